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

    [Fact]
    public async Task Suspending_an_unknown_user_is_404_naming_it()
    {
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);
        var nobody = Guid.CreateVersion7();

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new SuspendRequest("spam")).ToUrl($"/admin/users/{nobody}/suspension");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(404);
        });

        var problem = await result.ReadAsJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>();
        Assert.Equal($"user {nobody} does not exist", problem!.Detail);
        Assert.Equal("Not Found", problem.Title);
    }
}
