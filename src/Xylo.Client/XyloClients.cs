using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Xylo.Client;

/// <summary>
/// Builds the generated <see cref="XyloApiClient"/> over an <see cref="HttpClient"/>: anonymous, with a bearer access token
/// (from a sign-in or a refresh), or with an integration's <c>X-Api-Key</c>.
/// </summary>
public static class XyloClients
{
    public static XyloApiClient Anonymous(HttpClient http) => Create(http, new AnonymousAuthenticationProvider());

    public static XyloApiClient WithBearer(HttpClient http, string accessToken) =>
        Create(http, new BaseBearerTokenAuthenticationProvider(new StaticToken(accessToken)));

    public static XyloApiClient WithApiKey(HttpClient http, string apiKey) =>
        Create(http, new ApiKeyAuthenticationProvider(apiKey, "X-Api-Key", ApiKeyAuthenticationProvider.KeyLocation.Header));

    private static XyloApiClient Create(HttpClient http, IAuthenticationProvider authentication)
    {
        var adapter = new HttpClientRequestAdapter(authentication, httpClient: http);
        if (http.BaseAddress is { } root) adapter.BaseUrl = root.ToString().TrimEnd('/');
        return new XyloApiClient(adapter);
    }

    private sealed class StaticToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default) => Task.FromResult(token);
    }
}
