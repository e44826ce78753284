using System.Net;
using Alba;
using Shouldly;
using Xylo.Api.Features.Auth;

namespace Xylo.Api.Tests.Support;

/// <summary>Drives the browser's part of sign-in with X: our login redirect, X's consent redirect, our callback.</summary>
public static class XSignIn
{
    public static Task<TokenResponse> SignInWithXAsync(this IdentityFixture fixture, FakeXUser? user = null) =>
        SignInWithXAsync(fixture.Host, fixture.X, user);

    public static Task<TokenResponse> SignInWithXAsync(this PointsFixture fixture, FakeXUser? user = null) =>
        SignInWithXAsync(fixture.Host, fixture.X, user);

    public static async Task<TokenResponse> SignInWithXAsync(IAlbaHost host, FakeX x, FakeXUser? user = null)
    {
        var (callback, cookie) = await AuthorizeAsync(host, x, user);
        var result = await host.Scenario(s =>
        {
            s.Get.Url(callback);
            s.WithRequestHeader("Cookie", cookie);
            s.StatusCodeShouldBeOk();
        });
        var tokens = await result.ReadJsonAsync<TokenResponse>();
        await host.WaitForSignUpBonusAsync(tokens.User.Id);
        return tokens;
    }

    /// <summary>Returns the callback URL X redirected to (path and query) and the correlation cookie our login set.</summary>
    public static Task<(string Callback, string Cookie)> AuthorizeAsync(this IdentityFixture fixture, FakeXUser? user = null) =>
        AuthorizeAsync(fixture.Host, fixture.X, user);

    public static async Task<(string Callback, string Cookie)> AuthorizeAsync(IAlbaHost host, FakeX x, FakeXUser? user = null)
    {
        var login = await host.Scenario(s =>
        {
            s.Get.Url("/auth/x/login");
            s.StatusCodeShouldBe(302);
        });
        var authorize = login.Context.Response.Headers.Location.ToString();
        authorize.ShouldStartWith(x.AuthorizeUrl);
        var cookie = login.Context.Response.Headers.SetCookie.ToString().Split(';')[0];

        x.NextUser = user ?? FakeXUser.Random();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(new Uri(authorize));
        consent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var callback = consent.Headers.Location!;
        return (callback.PathAndQuery, cookie);
    }
}
