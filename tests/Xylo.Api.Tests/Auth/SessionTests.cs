using Alba;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Auth;

[Collection(DevelopmentCollection.Name)]
public sealed class SessionTests(DevelopmentFixture fixture)
{
    [Fact]
    public async Task Refresh_rotates_the_refresh_token()
    {
        var signedIn = await fixture.Host.DevSignInAsync();

        var refreshed = await RefreshAsync(signedIn.RefreshToken, 200);

        refreshed!.RefreshToken.ShouldNotBe(signedIn.RefreshToken);
        refreshed.User.Id.ShouldBe(signedIn.User.Id);
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.WithBearer(refreshed);
            s.StatusCodeShouldBeOk();
        });
        (await RefreshAsync(refreshed.RefreshToken, 200)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_revokes_the_whole_family()
    {
        var signedIn = await fixture.Host.DevSignInAsync();
        var rotated = await RefreshAsync(signedIn.RefreshToken, 200);

        await RefreshAsync(signedIn.RefreshToken, 401);

        await RefreshAsync(rotated!.RefreshToken, 401);
    }

    [Fact]
    public async Task Another_sign_in_is_a_separate_family()
    {
        var handle = $"multi-{Guid.NewGuid():N}";
        var laptop = await fixture.Host.DevSignInAsync(handle);
        var phone = await fixture.Host.DevSignInAsync(handle);
        await RefreshAsync(laptop.RefreshToken, 200);

        await RefreshAsync(laptop.RefreshToken, 401);

        (await RefreshAsync(phone.RefreshToken, 200)).ShouldNotBeNull("the phone's session is another family");
    }

    [Fact]
    public async Task Logout_revokes_the_session()
    {
        var signedIn = await fixture.Host.DevSignInAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RefreshRequest(signedIn.RefreshToken)).ToUrl("/auth/logout");
            s.StatusCodeShouldBe(204);
        });

        await RefreshAsync(signedIn.RefreshToken, 401);
    }

    [Fact]
    public async Task Unknown_and_missing_refresh_tokens_are_rejected()
    {
        await RefreshAsync("not-a-token", 401);
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RefreshRequest(null)).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task Active_sessions_is_exposed()
    {
        await fixture.Host.DevSignInAsync();

        var metrics = await fixture.Host.Scenario(s => s.Get.Url("/metrics"));

        (await metrics.ReadAsTextAsync()).ShouldContain("\nactive_sessions ");
    }

    private async Task<TokenResponse?> RefreshAsync(string refreshToken, int expected)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RefreshRequest(refreshToken)).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(expected);
        });
        return expected == 200 ? await result.ReadJsonAsync<TokenResponse>() : null;
    }
}
