using System.Text.Json;
using Alba;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Auth;

[Collection(DevelopmentCollection.Name)]
public sealed class DevSignInTests(DevelopmentFixture fixture)
{
    [Fact]
    public async Task Dev_sign_in_registers_once_and_returns_a_working_token_pair()
    {
        var handle = $"alice-{Guid.NewGuid():N}";

        var first = await fixture.Host.DevSignInAsync(handle);
        var second = await fixture.Host.DevSignInAsync(handle);

        second.User.Id.ShouldBe(first.User.Id);
        first.TokenType.ShouldBe("Bearer");
        first.ExpiresIn.ShouldBe(900);
        first.User.Roles.ShouldBe(["user"]);
        var me = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.WithBearer(first);
            s.StatusCodeShouldBeOk();
        });
        var profile = await me.ReadJsonAsync();
        profile.GetProperty("handle").GetString().ShouldBe(handle);
        profile.GetProperty("id").GetGuid().ShouldBe(first.User.Id);
    }

    [Fact]
    public async Task Dev_sign_in_can_grant_roles()
    {
        var tokens = await fixture.Host.DevSignInAsync(roles: ["admin", "auditor"]);

        tokens.User.Roles.ShouldBe(["admin", "auditor", "user"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("{\"handle\": \"\"}", "handle")]
    [InlineData("{\"roles\": [\"admin\"]}", "handle")]
    [InlineData("{\"handle\": \"bob\", \"roles\": [\"superuser\"]}", "roles")]
    [InlineData("{\"handle\": ", null)]
    public async Task Invalid_dev_sign_ins_are_400_and_write_nothing(string body, string? field)
    {
        var before = await fixture.Host.EventCountAsync();

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl("/auth/dev/sign-in");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });

        if (field is not null) (await result.ReadAsTextAsync()).ShouldContain(field);
        (await fixture.Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Me_needs_a_token()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.StatusCodeShouldBe(401);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.WithRequestHeader("Authorization", "Bearer not-a-jwt");
            s.StatusCodeShouldBe(401);
        });
    }
}

[Collection(AppCollection.Name)]
public sealed class DevSignInOutsideDevelopmentTests(AppFixture fixture)
{
    [Fact]
    public async Task Dev_sign_in_does_not_exist_outside_development()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { handle = "mallory", roles = new[] { "admin" } }).ToUrl("/auth/dev/sign-in");
            s.StatusCodeShouldBe(404);
        });
    }
}
