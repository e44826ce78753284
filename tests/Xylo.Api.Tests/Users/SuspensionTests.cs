using Alba;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Users;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Users;

[Collection(DevelopmentCollection.Name)]
public sealed class SuspensionTests(DevelopmentFixture fixture)
{
    [Fact]
    public async Task A_suspended_users_token_and_refresh_are_refused_until_reinstated()
    {
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);
        var handle = $"spammer-{Guid.NewGuid():N}";
        var user = await fixture.Host.DevSignInAsync(handle);

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new SuspendRequest("spam")).ToUrl($"/admin/users/{user.User.Id}/suspension");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(204);
        });

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.WithBearer(user);
            s.StatusCodeShouldBe(401);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RefreshRequest(user.RefreshToken)).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(401);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { handle }).ToUrl("/auth/dev/sign-in");
            s.StatusCodeShouldBe(403);
        });

        await fixture.Host.Scenario(s =>
        {
            s.Delete.Url($"/admin/users/{user.User.Id}/suspension");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(204);
        });
        var again = await fixture.Host.DevSignInAsync(handle);
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.WithBearer(again);
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public async Task Suspending_needs_a_reason()
    {
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);
        var user = await fixture.Host.DevSignInAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new SuspendRequest("")).ToUrl($"/admin/users/{user.User.Id}/suspension");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(400);
        });
    }
}
