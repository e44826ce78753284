using System.Net;
using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

/// <summary>
/// Behind the load balancer the API sees plain HTTP: HSTS follows the X-Forwarded-Proto of a trusted proxy
/// (RateLimiting:TrustedProxies, the same list the client IP is taken from) and ignores anyone else's.
/// </summary>
public sealed class ForwardedHttpsTests : IAsyncLifetime
{
    private const string LoadBalancer = "10.40.0.2";
    private IAlbaHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await XyloHost.StartAsync(new Dictionary<string, string?> { ["RateLimiting:TrustedProxies:0"] = "10.40.0.0/24" });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Https_forwarded_by_a_trusted_proxy_gets_hsts()
    {
        var headers = await GetAsync(LoadBalancer, "https");
        headers.StrictTransportSecurity.ToString().ShouldBe("max-age=31536000; includeSubDomains; preload");
    }

    [Fact]
    public async Task Https_claimed_by_an_untrusted_peer_gets_no_hsts()
    {
        (await GetAsync("203.0.113.9", "https")).ContainsKey("Strict-Transport-Security").ShouldBeFalse();
        (await GetAsync(LoadBalancer, "http")).ContainsKey("Strict-Transport-Security").ShouldBeFalse();
    }

    private async Task<Microsoft.AspNetCore.Http.IHeaderDictionary> GetAsync(string peer, string proto)
    {
        var result = await _host.Scenario(s =>
        {
            s.Get.Url("/health");
            s.WithRequestHeader("X-Forwarded-Proto", proto);
            s.WithRequestHeader("X-Forwarded-For", "198.51.100.20");
            s.ConfigureHttpContext(context =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
                // HSTS is never sent for localhost
                context.Request.Host = new Microsoft.AspNetCore.Http.HostString("api.xylo.example");
            });
        });
        return result.Context.Response.Headers;
    }
}
