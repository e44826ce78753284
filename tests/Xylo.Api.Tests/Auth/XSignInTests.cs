using System.Web;
using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Auth;

[Collection(IdentityCollection.Name)]
public sealed class XSignInTests(IdentityFixture fixture)
{
    [Fact]
    public async Task Login_redirects_to_x_with_state_and_a_pkce_s256_challenge()
    {
        var login = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/auth/x/login");
            s.StatusCodeShouldBe(302);
        });

        var query = HttpUtility.ParseQueryString(new Uri(login.Context.Response.Headers.Location.ToString()).Query);
        query["client_id"].ShouldBe(fixture.X.ClientId);
        query["response_type"].ShouldBe("code");
        query["code_challenge_method"].ShouldBe("S256");
        query["code_challenge"].ShouldNotBeNullOrEmpty();
        query["state"].ShouldNotBeNullOrEmpty();
        query["redirect_uri"]!.ShouldEndWith("/auth/x/callback");
    }

    [Fact]
    public async Task The_first_sign_in_registers_and_the_next_signs_in_the_same_user()
    {
        var account = FakeXUser.Random();

        var first = await fixture.SignInWithXAsync(account);
        var second = await fixture.SignInWithXAsync(account);

        second.User.Id.ShouldBe(first.User.Id);
        first.User.Handle.ShouldBe(account.Name);
        fixture.X.LastClientAuthentication.ShouldBe(FakeXClientAuthentication.BasicHeader);
        var me = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.WithBearer(first);
            s.StatusCodeShouldBeOk();
        });
        var profile = await me.ReadJsonAsync();
        profile.GetProperty("xUserId").GetString().ShouldBe(account.Id);
        profile.GetProperty("xUsername").GetString().ShouldBe(account.Username);
    }

    [Fact]
    public async Task A_bootstrap_admin_gets_the_admin_role_on_sign_in()
    {
        var tokens = await fixture.SignInWithXAsync(new FakeXUser("x-admin-1", "founder", "Founder"));

        tokens.User.Roles.ShouldContain("admin");
    }

    [Fact]
    public async Task A_bootstrap_admin_whose_role_was_revoked_does_not_get_it_back_on_the_next_sign_in()
    {
        var founder = new FakeXUser("x-admin-2", "cofounder", "Cofounder");
        var first = await fixture.SignInWithXAsync(founder);
        first.User.Roles.ShouldContain("admin");
        var admin = await fixture.SignInWithXAsync(new FakeXUser("x-admin-1", "founder", "Founder"));
        await fixture.Host.Scenario(s =>
        {
            s.Delete.Url($"/admin/users/{first.User.Id}/roles/admin");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(204);
        });

        var again = await fixture.SignInWithXAsync(founder);

        again.User.Roles.ShouldNotContain("admin");
    }

    [Fact]
    public async Task A_tampered_state_is_a_400_and_registers_nobody()
    {
        var (callback, cookie) = await fixture.AuthorizeAsync();
        var before = await fixture.Host.EventCountAsync();
        var tampered = callback.Replace("state=", "state=x", StringComparison.Ordinal);

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url(tampered);
            s.WithRequestHeader("Cookie", cookie);
            s.StatusCodeShouldBe(400);
        });

        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        (await fixture.Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_callback_without_the_correlation_cookie_is_a_400()
    {
        var (callback, _) = await fixture.AuthorizeAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url(callback);
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task A_code_x_refuses_is_a_400()
    {
        var (callback, cookie) = await fixture.AuthorizeAsync();
        var forged = System.Text.RegularExpressions.Regex.Replace(callback, "code=[^&]+", "code=forged");

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url(forged);
            s.WithRequestHeader("Cookie", cookie);
            s.StatusCodeShouldBe(400);
        });
    }
}
