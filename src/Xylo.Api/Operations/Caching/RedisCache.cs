using System.Text.Json;
using Prometheus;
using StackExchange.Redis;

namespace Xylo.Api.Operations.Caching;

/// <summary>
/// Redis as a cache in front of the database: never the source of truth. When Redis is down every
/// call still answers from its factory, and the miss counts against <c>redis_cache_hit_rate</c>.
/// </summary>
public sealed partial class RedisCache(IConnectionMultiplexer redis, ILogger<RedisCache> logger)
{

    public async Task<T> GetOrCreateAsync<T>(string key, Func<CancellationToken, Task<T>> create, TimeSpan timeToLive, CancellationToken cancellation)
    {
        var database = redis.GetDatabase();
        try
        {
            var cached = await database.StringGetAsync(key);
            if (cached.HasValue && JsonSerializer.Deserialize<T>((string)cached!) is { } value)
            {
                Count(hit: true);
                return value;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(key, ex);
        }

        Count(hit: false);
        var created = await create(cancellation);
        try
        {
            await database.StringSetAsync(key, JsonSerializer.Serialize(created), timeToLive);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(key, ex);
        }

        return created;
    }


    private static void Count(bool hit) => CacheMetrics.Count(hit);

    private void Failed(string key, Exception ex)
    {
        CacheMetrics.Errors.Inc();
        LogRedisUnavailable(logger, key, ex.GetType().Name);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis unavailable for cache key {CacheKey} ({Failure}); answering from the database")]
    private static partial void LogRedisUnavailable(ILogger logger, string cacheKey, string failure);
}

/// <summary>Published at startup, so dashboards see the series before the first cache read.</summary>
public static class CacheMetrics
{
    public static readonly Counter Hits = Prometheus.Metrics.CreateCounter("redis_cache_hits_total", "Cache reads answered by Redis.");
    public static readonly Counter Misses = Prometheus.Metrics.CreateCounter("redis_cache_misses_total", "Cache reads not answered by Redis (absent or Redis unreachable).");
    public static readonly Counter Errors = Prometheus.Metrics.CreateCounter("redis_cache_errors_total", "Cache operations that failed because Redis was unreachable or timed out.");
    public static readonly Gauge HitRate = Prometheus.Metrics.CreateGauge("redis_cache_hit_rate", "Share of cache reads answered by Redis since the process started (0..1).");

    /// <summary>One cache read: answered by Redis, or not (absent, or Redis unreachable).</summary>
    public static void Count(bool hit)
    {
        (hit ? Hits : Misses).Inc();
        var total = Hits.Value + Misses.Value;
        HitRate.Set(total == 0 ? 0 : Hits.Value / total);
    }
}
