using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shouldly;
using Xylo.Api.Operations.Health;
using Xylo.Api.Operations.RateLimiting;

namespace Xylo.Api.Tests.Hardening;

public sealed class BoundsTests
{
    [Fact]
    public async Task Readiness_polled_by_many_callers_at_once_runs_its_checks_once()
    {
        var runs = 0;
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddAsyncCheck("counted", async () =>
        {
            Interlocked.Increment(ref runs);
            await Task.Delay(50);
            return HealthCheckResult.Healthy();
        }, ["ready"]);
        await using var provider = services.BuildServiceProvider();
        var configuration = new ConfigurationBuilder().Build();
        var cache = new HealthSetup.ReadinessCache(provider.GetRequiredService<HealthCheckService>(), TimeProvider.System, configuration);

        var reports = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => cache.GetAsync(TestContext.Current.CancellationToken)));
        await cache.GetAsync(TestContext.Current.CancellationToken);

        reports.ShouldAllBe(r => r.Status == HealthStatus.Healthy);
        runs.ShouldBe(1);
    }

    [Fact]
    public void The_rate_limit_counts_an_ipv6_client_by_its_64_and_an_ipv4_client_by_its_address()
    {
        RateLimitingSetup.ClientKey(IPAddress.Parse("2001:db8:1:2::1"))
            .ShouldBe(RateLimitingSetup.ClientKey(IPAddress.Parse("2001:db8:1:2:ffff:aaaa:1234:5678")));
        RateLimitingSetup.ClientKey(IPAddress.Parse("2001:db8:1:3::1"))
            .ShouldNotBe(RateLimitingSetup.ClientKey(IPAddress.Parse("2001:db8:1:2::1")));
        RateLimitingSetup.ClientKey(IPAddress.Parse("192.0.2.7")).ShouldNotBe(RateLimitingSetup.ClientKey(IPAddress.Parse("192.0.2.8")));
        RateLimitingSetup.ClientKey(IPAddress.Parse("::ffff:192.0.2.7")).ShouldBe("192.0.2.7");
    }
}
