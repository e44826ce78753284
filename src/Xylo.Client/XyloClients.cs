using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Xylo.Client;

/// <summary>
/// Builds the generated <see cref="XyloApiClient"/> over an <see cref="HttpClient"/>: anonymous, with a bearer access token
/// (from a sign-in or a refresh), or with an integration's <c>X-Api-Key</c>. The API's root is <paramref name="baseUrl"/>,
/// or else the client's <see cref="HttpClient.BaseAddress"/>.
/// </summary>
public static class XyloClients
{
    public static XyloApiClient Anonymous(HttpClient http, string? baseUrl = null) => Create(http, new AnonymousAuthenticationProvider(), baseUrl);

    public static XyloApiClient WithBearer(HttpClient http, string accessToken, string? baseUrl = null) =>
        Create(http, new BaseBearerTokenAuthenticationProvider(new StaticToken(accessToken)), baseUrl);

    public static XyloApiClient WithApiKey(HttpClient http, string apiKey, string? baseUrl = null) =>
        Create(http, new ApiKeyAuthenticationProvider(apiKey, "X-Api-Key", ApiKeyAuthenticationProvider.KeyLocation.Header), baseUrl);

    private static XyloApiClient Create(HttpClient http, IAuthenticationProvider authentication, string? baseUrl)
    {
        var adapter = new HttpClientRequestAdapter(authentication, httpClient: http);
        if ((baseUrl ?? http.BaseAddress?.ToString()) is { } root) adapter.BaseUrl = root.TrimEnd('/');
        return new XyloApiClient(adapter);
    }

    private sealed class StaticToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default) => Task.FromResult(token);
    }
}
