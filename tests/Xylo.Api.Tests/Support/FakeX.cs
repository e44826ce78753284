using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Xylo.Api.Tests.Support;

/// <summary>
/// X's OAuth 2.0 authorization code flow with PKCE, for a confidential client, on a real loopback port.
/// The authorize step consents at once for <see cref="NextUser"/>; the token step checks what X checks
/// (client secret, single-use code, redirect_uri, S256 verifier); users/me answers for the token's user.
/// </summary>
public sealed class FakeX : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeXUser> _tokens = new(StringComparer.Ordinal);
    private FakeXUser? _nextUser;
    private int _tokenRequests;
    private int _lastClientAuthentication;
    private WebApplication? _app;

    private FakeX(string clientId, string clientSecret)
    {
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public string AuthorizeUrl { get; private set; } = "";

    public string TokenUrl { get; private set; } = "";

    public string UserInfoUrl { get; private set; } = "";

    /// <summary>Who consents at the next authorize request; taken by it (a fresh random user when unset).</summary>
    public FakeXUser? NextUser
    {
        get => Volatile.Read(ref _nextUser);
        set => Volatile.Write(ref _nextUser, value);
    }

    /// <summary>Every request to the token endpoint, rejected ones included.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>How the latest token request authenticated the client.</summary>
    public FakeXClientAuthentication LastClientAuthentication => (FakeXClientAuthentication)Volatile.Read(ref _lastClientAuthentication);

    /// <summary>The host settings that point XYLO's X sign-in at this fake.</summary>
    public Dictionary<string, string?> HostSettings() => new()
    {
        ["X_CLIENT_ID"] = ClientId,
        ["X_CLIENT_SECRET"] = ClientSecret,
        ["Auth:X:AuthorizationEndpoint"] = AuthorizeUrl,
        ["Auth:X:TokenEndpoint"] = TokenUrl,
        ["Auth:X:UserInformationEndpoint"] = UserInfoUrl,
    };

    public static async Task<FakeX> StartAsync(
        string clientId = "fake-x-client-id", string clientSecret = "fake-x-client-secret", CancellationToken cancellationToken = default)
    {
        var fake = new FakeX(clientId, clientSecret);
        var (app, address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/i/oauth2/authorize", fake.Authorize);
            app.MapPost("/2/oauth2/token", fake.TokenAsync);
            app.MapGet("/2/users/me", fake.Me);
        }, cancellationToken);
        fake._app = app;
        fake.AuthorizeUrl = $"{address}/i/oauth2/authorize";
        fake.TokenUrl = $"{address}/2/oauth2/token";
        fake.UserInfoUrl = $"{address}/2/users/me";
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        string Param(string name) => query[name].ToString();

        if (Param("response_type") != "code") return Invalid("response_type must be code");
        if (Param("client_id") != ClientId) return Invalid("client_id is not a registered client");
        if (!Uri.TryCreate(Param("redirect_uri"), UriKind.Absolute, out var redirect) || redirect.Scheme is not ("http" or "https"))
        {
            return Invalid("redirect_uri must be an absolute http(s) URL");
        }

        if (Param("scope") is not { Length: > 0 } scope) return Invalid("scope is required");
        if (Param("state") is not { Length: > 0 } state) return Invalid("state is required");
        if (!IsPkceString(Param("code_challenge"))) return Invalid("code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]");
        if (Param("code_challenge_method") != "S256") return Invalid("code_challenge_method must be S256");

        var user = Interlocked.Exchange(ref _nextUser, null) ?? FakeXUser.Random();
        var code = NewSecret();
        _codes[code] = new Grant(ClientId, Param("code_challenge"), Param("redirect_uri"), scope, user);
        return Results.Redirect(QueryHelpers.AddQueryString(Param("redirect_uri"), new Dictionary<string, string?>
        {
            ["state"] = state,
            ["code"] = code,
        }));
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _tokenRequests);
        Volatile.Write(ref _lastClientAuthentication, (int)FakeXClientAuthentication.None);
        if (!request.HasFormContentType) return Invalid("the body must be application/x-www-form-urlencoded");
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        string Field(string name) => form[name].ToString();

        var basic = BasicCredentials(request);
        if (basic is not null && Field("client_secret").Length > 0) return Invalid("use one client authentication method, not two");
        var (clientId, secret) = basic ?? (Field("client_id"), Field("client_secret"));
        Volatile.Write(ref _lastClientAuthentication, (int)(basic is null ? FakeXClientAuthentication.FormBody : FakeXClientAuthentication.BasicHeader));
        if (clientId != ClientId || secret != ClientSecret || (Field("client_id") is { Length: > 0 } bodyId && bodyId != clientId))
        {
            return Invalid("client authentication failed");
        }

        if (Field("grant_type") != "authorization_code") return Invalid("grant_type must be authorization_code");
        // Taken out at the first attempt, right or wrong: a code is good for one exchange.
        if (!_codes.TryRemove(Field("code"), out var grant)) return Invalid("code is unknown or already used");
        if (grant.ClientId != clientId) return Invalid("code was issued to another client");
        if (Field("redirect_uri") != grant.RedirectUri) return Invalid("redirect_uri differs from the authorize request's");
        if (!IsPkceString(Field("code_verifier")) || Challenge(Field("code_verifier")) != grant.CodeChallenge)
        {
            return Invalid("code_verifier does not match the code_challenge");
        }

        var accessToken = NewSecret();
        _tokens[accessToken] = grant.User;
        return Results.Json(new { token_type = "bearer", expires_in = 7200, access_token = accessToken, scope = grant.Scope });
    }

    private IResult Me(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var authorization)
            || !string.Equals(authorization.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || authorization.Parameter is not { } token
            || !_tokens.TryGetValue(token, out var user))
        {
            return Results.Json(new { title = "Unauthorized", type = "about:blank", status = 401, detail = "Unauthorized" }, statusCode: 401);
        }

        return Results.Json(new { data = new { id = user.Id, name = user.Name, username = user.Username } });
    }

    // RFC 6749 §2.3.1: Basic base64(urlencode(client_id):urlencode(client_secret)).
    private static (string ClientId, string Secret)? BasicCredentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var authorization)
            || !string.Equals(authorization.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || authorization.Parameter is not { } encoded)
        {
            return null;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split(':', 2);
            return pair is [var id, var secret] ? (Uri.UnescapeDataString(id), Uri.UnescapeDataString(secret)) : ("", "");
        }
        catch (FormatException)
        {
            return ("", "");
        }
    }

    private static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    // RFC 7636 §4.1: 43 to 128 unreserved characters.
    private static bool IsPkceString(string value) =>
        value.Length is >= 43 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static IResult Invalid(string description) =>
        Results.Json(new { error = "invalid_request", error_description = description }, statusCode: 400);

    private sealed record Grant(string ClientId, string CodeChallenge, string RedirectUri, string Scope, FakeXUser User);
}
