using System.Net;
using System.Text.Json;
using Alba;
using Shouldly;
using Xylo.Api.Operations.RateLimiting;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

public sealed class RateLimitingTests : IAsyncLifetime
{
    private const int Limit = 3;
    private IAlbaHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await XyloHost.StartAsync(new Dictionary<string, string?>
    {
        ["RateLimiting:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:WindowSeconds"] = "600",
        ["RateLimiting:TrustedProxies:0"] = "10.0.0.1",
    });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_request_over_the_limit_gets_429_with_retry_after_and_the_guides_message()
    {
        for (var i = 0; i < Limit; i++) await GetAsync("203.0.113.10", expected: 200);

        var rejected = await GetAsync("203.0.113.10", expected: 429);

        var retryAfter = int.Parse(rejected.Context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        retryAfter.ShouldBeInRange(1, 600);
        rejected.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        var problem = JsonDocument.Parse(await rejected.ReadAsTextAsync()).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe(429);
        problem.GetProperty("detail").GetString().ShouldBe(RateLimitingSetup.RejectionDetail);
    }

    [Fact]
    public async Task Each_client_ip_has_its_own_limit()
    {
        for (var i = 0; i < Limit; i++) await GetAsync("203.0.113.20", expected: 200);
        await GetAsync("203.0.113.20", expected: 429);

        await GetAsync("203.0.113.21", expected: 200);
    }

    [Fact]
    public async Task Health_and_metrics_are_exempt()
    {
        for (var i = 0; i < Limit; i++) await GetAsync("203.0.113.30", expected: 200);
        await GetAsync("203.0.113.30", expected: 429);

        await GetAsync("203.0.113.30", expected: 200, url: "/health");
        await GetAsync("203.0.113.30", expected: 200, url: "/health/ready");
        await GetAsync("203.0.113.30", expected: 200, url: "/metrics");
    }

    [Fact]
    public async Task Addresses_of_one_ipv6_64_share_one_limit()
    {
        for (var i = 0; i < Limit; i++) await GetAsync($"2001:db8:77:1::{i + 1:x}", expected: 200);

        await GetAsync("2001:db8:77:1:dead:beef:0:1", expected: 429);
        await GetAsync("2001:db8:77:2::1", expected: 200);
    }

    [Fact]
    public async Task Metrics_and_readiness_have_their_own_bounded_limit()
    {
        for (var i = 0; i < RateLimitingSetup.OperationsPermitsPerMinute; i++) await GetAsync("203.0.113.40", expected: 200, url: "/metrics");

        await GetAsync("203.0.113.40", expected: 429, url: "/metrics");
        await GetAsync("203.0.113.40", expected: 200, url: "/health");
    }

    [Fact]
    public async Task Forwarded_for_is_ignored_from_an_untrusted_peer()
    {
        for (var i = 0; i < Limit; i++) await GetAsync("203.0.113.40", expected: 200, forwardedFor: $"198.51.100.{i}");

        // Rotating X-Forwarded-For does not buy a fresh limit: the peer itself is counted.
        await GetAsync("203.0.113.40", expected: 429, forwardedFor: "198.51.100.99");
    }

    [Fact]
    public async Task Forwarded_for_is_honoured_from_a_trusted_proxy()
    {
        for (var i = 0; i < Limit; i++) await GetAsync("10.0.0.1", expected: 200, forwardedFor: "198.51.100.50");
        await GetAsync("10.0.0.1", expected: 429, forwardedFor: "198.51.100.50");

        // Another client behind the same proxy is counted on its own.
        await GetAsync("10.0.0.1", expected: 200, forwardedFor: "198.51.100.51");
    }

    private Task<IScenarioResult> GetAsync(string peer, int expected, string url = "/", string? forwardedFor = null) =>
        _host.Scenario(s =>
        {
            s.Get.Url(url);
            s.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = IPAddress.Parse(peer));
            if (forwardedFor is not null) s.WithRequestHeader("X-Forwarded-For", forwardedFor);
            s.StatusCodeShouldBe(expected);
        });
}
