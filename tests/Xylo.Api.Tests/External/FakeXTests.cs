using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.External;

/// <summary>The fake's own checks, proven, so a sign-in test that passes against it means something.</summary>
public sealed class FakeXTests : IAsyncLifetime
{
    private const string RedirectUri = "http://127.0.0.1:3000/auth/x/callback";
    private const string Scope = "users.read tweet.read";

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private FakeX _x = null!;

    public async ValueTask InitializeAsync() => _x = await FakeX.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _x.DisposeAsync();
    }

    [Fact]
    public async Task Authorize_token_and_users_me_sign_in_the_queued_user()
    {
        _x.NextUser = new FakeXUser("1690000000000000001", "creator_one", "Creator One");
        var verifier = NewVerifier();

        var code = await AuthorizeAsync(Challenge(verifier), state: "state-123");
        using var token = await ExchangeAsync(code, verifier, BasicAuthentication(_x.ClientId, _x.ClientSecret));

        token.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await token.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        body.GetProperty("token_type").GetString().ShouldBe("bearer");
        body.GetProperty("expires_in").GetInt32().ShouldBe(7200);
        body.GetProperty("scope").GetString().ShouldBe(Scope);
        _x.LastClientAuthentication.ShouldBe(FakeXClientAuthentication.BasicHeader);

        using var me = new HttpRequestMessage(HttpMethod.Get, _x.UserInfoUrl);
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        using var user = await _http.SendAsync(me, TestContext.Current.CancellationToken);
        user.StatusCode.ShouldBe(HttpStatusCode.OK);
        var data = (await user.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("data");
        data.GetProperty("id").GetString().ShouldBe("1690000000000000001");
        data.GetProperty("username").GetString().ShouldBe("creator_one");
        data.GetProperty("name").GetString().ShouldBe("Creator One");
    }

    [Fact]
    public async Task The_redirect_carries_the_state_back_to_the_redirect_uri()
    {
        using var response = await _http.GetAsync(AuthorizeRequest(Challenge(NewVerifier()), "opaque-state"), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).ShouldBe(RedirectUri);
        QueryHelpers.ParseQuery(location.Query)["state"].ToString().ShouldBe("opaque-state");
    }

    [Fact]
    public async Task Client_credentials_in_the_form_body_are_accepted_and_recorded()
    {
        var verifier = NewVerifier();
        var code = await AuthorizeAsync(Challenge(verifier));

        using var token = await ExchangeAsync(code, verifier, clientSecretInBody: _x.ClientSecret);

        token.StatusCode.ShouldBe(HttpStatusCode.OK);
        _x.LastClientAuthentication.ShouldBe(FakeXClientAuthentication.FormBody);
    }

    [Fact]
    public async Task A_wrong_code_verifier_is_rejected()
    {
        var code = await AuthorizeAsync(Challenge(NewVerifier()));

        using var token = await ExchangeAsync(code, NewVerifier(), BasicAuthentication(_x.ClientId, _x.ClientSecret));

        await ShouldBeInvalidRequestAsync(token, "code_verifier does not match the code_challenge");
    }

    [Fact]
    public async Task A_wrong_client_secret_is_rejected()
    {
        var verifier = NewVerifier();
        var code = await AuthorizeAsync(Challenge(verifier));

        using var token = await ExchangeAsync(code, verifier, BasicAuthentication(_x.ClientId, "not-the-secret"));

        await ShouldBeInvalidRequestAsync(token, "client authentication failed");
    }

    [Fact]
    public async Task A_code_is_good_for_one_exchange_only()
    {
        var verifier = NewVerifier();
        var code = await AuthorizeAsync(Challenge(verifier));
        using var first = await ExchangeAsync(code, verifier, BasicAuthentication(_x.ClientId, _x.ClientSecret));

        using var second = await ExchangeAsync(code, verifier, BasicAuthentication(_x.ClientId, _x.ClientSecret));

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeInvalidRequestAsync(second, "code is unknown or already used");
        _x.TokenRequests.ShouldBe(2);
    }

    [Fact]
    public async Task A_redirect_uri_other_than_the_authorize_requests_is_rejected()
    {
        var verifier = NewVerifier();
        var code = await AuthorizeAsync(Challenge(verifier));

        using var token = await ExchangeAsync(code, verifier, BasicAuthentication(_x.ClientId, _x.ClientSecret), redirectUri: "http://127.0.0.1:3000/elsewhere");

        await ShouldBeInvalidRequestAsync(token, "redirect_uri differs from the authorize request's");
    }

    [Theory]
    [InlineData("client_id", "someone-else")]
    [InlineData("code_challenge_method", "plain")]
    [InlineData("code_challenge", "too-short")]
    [InlineData("state", "")]
    public async Task An_authorize_request_with_a_bad_parameter_is_rejected(string parameter, string value)
    {
        var url = AuthorizeRequest(Challenge(NewVerifier()), "state-1", (parameter, value));

        using var response = await _http.GetAsync(url, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Users_me_with_an_unknown_token_is_unauthorized()
    {
        using var me = new HttpRequestMessage(HttpMethod.Get, _x.UserInfoUrl);
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "never-issued");

        using var response = await _http.SendAsync(me, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private string AuthorizeRequest(string challenge, string state, (string Name, string Value)? replaced = null)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = _x.ClientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = Scope,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        };
        if (replaced is var (name, value)) parameters[name] = value;
        return QueryHelpers.AddQueryString(_x.AuthorizeUrl, parameters);
    }

    private async Task<string> AuthorizeAsync(string challenge, string state = "state-1")
    {
        using var response = await _http.GetAsync(AuthorizeRequest(challenge, state), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        query["state"].ToString().ShouldBe(state);
        return query["code"].ToString();
    }

    private async Task<HttpResponseMessage> ExchangeAsync(
        string code, string verifier, AuthenticationHeaderValue? authorization = null, string? clientSecretInBody = null, string redirectUri = RedirectUri)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
            ["client_id"] = _x.ClientId,
        };
        if (clientSecretInBody is not null) form["client_secret"] = clientSecretInBody;

        using var request = new HttpRequestMessage(HttpMethod.Post, _x.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        return await _http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task ShouldBeInvalidRequestAsync(HttpResponseMessage response, string description)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        body.GetProperty("error").GetString().ShouldBe("invalid_request");
        body.GetProperty("error_description").GetString().ShouldBe(description);
    }

    private static AuthenticationHeaderValue BasicAuthentication(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));

    private static string NewVerifier() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
