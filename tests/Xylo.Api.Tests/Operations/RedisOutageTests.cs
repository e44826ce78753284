using System.Text.Json;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using Shouldly;
using Xylo.Api.Operations.Caching;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

/// <summary>Redis is a cache: when it stops, the API reports Degraded and keeps serving.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private readonly RedisProcess _redis = new();
    private IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        await _redis.StartAsync();
        try
        {
            _host = await XyloHost.StartAsync(new Dictionary<string, string?>
            {
                ["REDIS_URL"] = _redis.Url,
                ["RateLimiting:PermitLimit"] = "50",
            });
        }
        catch
        {
            await _redis.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Redis_stopped_makes_readiness_degraded_not_failing_requests_are_still_served_and_a_restarted_redis_is_used_again()
    {
        (await ReadinessAsync()).ShouldBe("Healthy");
        var cache = _host.Services.GetRequiredService<RedisCache>();
        (await cache.GetOrCreateAsync("outage:key", _ => Task.FromResult("from-db-1"), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)).ShouldBe("from-db-1");
        (await cache.GetOrCreateAsync("outage:key", _ => Task.FromResult("from-db-2"), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken))
            .ShouldBe("from-db-1", "the second read is a Redis hit");

        await _redis.StopAsync();

        (await ReadinessAsync()).ShouldBe("Degraded");
        (await cache.GetOrCreateAsync("outage:key", _ => Task.FromResult("from-db-3"), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken))
            .ShouldBe("from-db-3", "with Redis down the value comes from its source");

        var fallbacksBefore = FallbackCount();
        await _host.Scenario(s =>
        {
            s.Get.Url("/");
            s.StatusCodeShouldBeOk();
        });
        FallbackCount().ShouldBeGreaterThan(fallbacksBefore, "the request was rate-limited in-process");

        // Redis back (a restart on the same port): the API reconnects by itself, without a restart of its own.
        await _redis.StartAsync();
        (await Eventually.Get(ReadinessAsync, status => status == "Healthy", TimeSpan.FromSeconds(30))).ShouldBe("Healthy");
        (await cache.GetOrCreateAsync("outage:again", _ => Task.FromResult("from-db-4"), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)).ShouldBe("from-db-4");
        (await cache.GetOrCreateAsync("outage:again", _ => Task.FromResult("from-db-5"), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken))
            .ShouldBe("from-db-4", "the cache is Redis again");
    }

    /// <summary>The redis check's status; /health/ready must answer 200 (Degraded is not a failure).</summary>
    private async Task<string> ReadinessAsync()
    {
        var result = await _host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBeOk();
        });
        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        return body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString()!;
    }

    private static double FallbackCount()
    {
        using var stream = new MemoryStream();
        Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return MetricsText.Value(System.Text.Encoding.UTF8.GetString(stream.ToArray()), "xylo_rate_limit_fallback_total");
    }
}
