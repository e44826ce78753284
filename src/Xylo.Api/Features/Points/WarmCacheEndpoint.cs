using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Projections.Points;

namespace Xylo.Api.Features.Points;

public sealed record WarmedCache(string Key, long Entries);

public sealed record CacheWarmReport(IReadOnlyList<WarmedCache> Warmed, long ElapsedMs);

public static class WarmCacheEndpoint
{
    /// <summary>The guide's cache warm-up: rebuilds the Redis mirrors from the projections and says what it warmed.</summary>
    [WolverinePost("/admin/cache/warm"), Authorize(Policy = Policies.Admin)]
    public static async Task<CacheWarmReport> Post(LeaderboardCache cache, TimeProvider clock, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        var warmed = new List<WarmedCache>();
        foreach (var period in LeaderboardPeriods.Of(clock.GetUtcNow()))
        {
            warmed.Add(new WarmedCache(LeaderboardCache.KeyFor(period), await cache.MirrorAsync(period, cancellation)));
        }

        return new CacheWarmReport(warmed, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
