using Alba;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Users;
using Xylo.Api.Tests.Support;
using Xylo.Projections.Users;

namespace Xylo.Api.Tests.Users;

[Collection(DevelopmentCollection.Name)]
public sealed class FindingUsersTests(DevelopmentFixture fixture)
{
    [Fact]
    public async Task An_admin_finds_users_by_handle_prefix_and_by_id()
    {
        var prefix = $"find{Guid.NewGuid():N}"[..16];
        var first = await fixture.Host.DevSignInAsync($"{prefix}-b");
        var second = await fixture.Host.DevSignInAsync($"{prefix}-a");
        await fixture.Host.DevSignInAsync($"other{Guid.NewGuid():N}"[..16]);
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);

        var byPrefix = await FindAsync(prefix, admin);
        byPrefix.Select(u => u.Id).ShouldBe([second.User.Id, first.User.Id]); // by handle

        var byId = await FindAsync(first.User.Id.ToString(), admin);
        byId.Single().Handle.ShouldBe($"{prefix}-b");
        (await FindAsync(Guid.NewGuid().ToString(), admin)).ShouldBeEmpty();
    }

    private async Task<IReadOnlyList<UserProfile>> FindAsync(string q, TokenResponse admin)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/admin/users?q={Uri.EscapeDataString(q)}");
            s.WithBearer(admin);
        });
        return (await result.ReadAsJsonAsync<FoundUsers>())!.Users;
    }

    [Theory]
    [InlineData("/admin/users")]
    [InlineData("/admin/users?q=a&limit=0")]
    [InlineData("/admin/users?q=a&limit=101")]
    public async Task A_search_without_text_or_with_a_bad_limit_is_a_400_problem(string url)
    {
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithBearer(admin);
            s.StatusCodeShouldBe(400);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }
}
