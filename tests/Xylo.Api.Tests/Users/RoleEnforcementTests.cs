using Alba;
using Shouldly;
using Xylo.Api.Features.Users;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Users;

[Collection(DevelopmentCollection.Name)]
public sealed class RoleEnforcementTests(DevelopmentFixture fixture)
{
    [Fact]
    public async Task Admin_endpoints_are_401_anonymous_403_for_users_and_open_to_admins()
    {
        var target = await fixture.Host.DevSignInAsync();
        var user = await fixture.Host.DevSignInAsync();
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);
        var url = $"/admin/users/{target.User.Id}/roles";

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RoleRequest("auditor")).ToUrl(url);
            s.StatusCodeShouldBe(401);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RoleRequest("auditor")).ToUrl(url);
            s.WithBearer(user);
            s.StatusCodeShouldBe(403);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RoleRequest("auditor")).ToUrl(url);
            s.WithBearer(admin);
            s.StatusCodeShouldBe(204);
        });

        var me = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.WithBearer(target);
        });
        (await me.ReadJsonAsync()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldContain("auditor");
    }

    [Fact]
    public async Task A_revoked_role_stops_working_before_the_token_expires()
    {
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);
        var other = await fixture.Host.DevSignInAsync(roles: ["admin"]);
        var target = await fixture.Host.DevSignInAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Delete.Url($"/admin/users/{other.User.Id}/roles/admin");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(204);
        });

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RoleRequest("auditor")).ToUrl($"/admin/users/{target.User.Id}/roles");
            s.WithBearer(other);
            s.StatusCodeShouldBe(403);
        });
    }

    [Fact]
    public async Task Granting_an_unknown_role_is_400_and_writes_nothing()
    {
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);
        var target = await fixture.Host.DevSignInAsync();
        var before = await fixture.Host.EventCountAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RoleRequest("superuser")).ToUrl($"/admin/users/{target.User.Id}/roles");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(400);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Text("{\"role\": ").ToUrl($"/admin/users/{target.User.Id}/roles");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(400);
        });

        (await fixture.Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task An_unknown_user_is_404()
    {
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RoleRequest("auditor")).ToUrl($"/admin/users/{Guid.CreateVersion7()}/roles");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(404);
        });
    }
}
