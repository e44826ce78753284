using System.Net;
using Alba;
using Shouldly;
using Xylo.Api.Features.Auth;

namespace Xylo.Api.Tests.Support;

/// <summary>Drives the browser's part of sign-in with X: our login redirect, X's consent redirect, our callback.</summary>
public static class XSignIn
{
    public static async Task<TokenResponse> SignInWithXAsync(this IdentityFixture fixture, FakeXUser? user = null)
    {
        var (callback, cookie) = await fixture.AuthorizeAsync(user);
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url(callback);
            s.WithRequestHeader("Cookie", cookie);
            s.StatusCodeShouldBeOk();
        });
        var tokens = await result.ReadJsonAsync<TokenResponse>();
        await fixture.Host.WaitForSignUpBonusAsync(tokens.User.Id);
        return tokens;
    }

    /// <summary>Returns the callback URL X redirected to (path and query) and the correlation cookie our login set.</summary>
    public static async Task<(string Callback, string Cookie)> AuthorizeAsync(this IdentityFixture fixture, FakeXUser? user = null)
    {
        var login = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/auth/x/login");
            s.StatusCodeShouldBe(302);
        });
        var authorize = login.Context.Response.Headers.Location.ToString();
        authorize.ShouldStartWith(fixture.X.AuthorizeUrl);
        var cookie = login.Context.Response.Headers.SetCookie.ToString().Split(';')[0];

        fixture.X.NextUser = user ?? FakeXUser.Random();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(new Uri(authorize));
        consent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var callback = consent.Headers.Location!;
        return (callback.PathAndQuery, cookie);
    }
}
