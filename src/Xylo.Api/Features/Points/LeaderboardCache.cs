using Marten;
using StackExchange.Redis;
using Xylo.Api.Operations.Caching;
using Xylo.Projections.Points;

namespace Xylo.Api.Features.Points;

public sealed record LeaderboardRow(long Rank, Guid UserId, long Points);

public sealed record LeaderboardSnapshot(IReadOnlyList<LeaderboardRow> Top, LeaderboardRow? Caller);

/// <summary>
/// The leaderboard projection mirrored into Redis sorted sets (one per period), rebuilt from the
/// projection on a miss or by <c>POST /admin/cache/warm</c>, and expiring after <see cref="TimeToLive"/>
/// so it never drifts far. Without Redis every read is answered from PostgreSQL.
/// </summary>
public sealed partial class LeaderboardCache(IConnectionMultiplexer redis, IDocumentStore store, ILogger<LeaderboardCache> logger)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(60);

    public static string KeyFor(string period) => $"xylo:leaderboard:{period}";

    public async Task<(LeaderboardSnapshot Snapshot, bool FromRedis)> ReadAsync(string period, int top, Guid? caller, CancellationToken cancellation)
    {
        try
        {
            var db = redis.GetDatabase();
            var key = KeyFor(period);
            if (await db.KeyExistsAsync(key))
            {
                var rows = await db.SortedSetRangeByRankWithScoresAsync(key, 0, top - 1, Order.Descending);
                LeaderboardRow? me = null;
                if (caller is { } id && await db.SortedSetScoreAsync(key, id.ToString()) is { } score)
                {
                    me = new LeaderboardRow(await RankAsync(db, key, (long)score), id, (long)score);
                }

                var topRows = new List<LeaderboardRow>(rows.Length);
                foreach (var row in rows) topRows.Add(new LeaderboardRow(await RankAsync(db, key, (long)row.Score), Guid.Parse(row.Element.ToString()), (long)row.Score));
                CacheMetrics.Count(hit: true);
                return (new LeaderboardSnapshot(topRows, me), true);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            CacheMetrics.Errors.Inc();
            LogRedisDown(logger, ex.GetType().Name);
        }

        CacheMetrics.Count(hit: false);
        var snapshot = await ReadDatabaseAsync(period, top, caller, cancellation);
        await TryMirrorAsync(period, cancellation);
        return (snapshot, false);
    }

    /// <summary>Rebuilds the Redis mirror of one period from the projection; returns how many entries it holds.</summary>
    public async Task<long> MirrorAsync(string period, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var entries = await session.Query<LeaderboardEntry>().Where(e => e.Period == period).ToListAsync(cancellation);
        var db = redis.GetDatabase();
        var key = KeyFor(period);
        var staging = $"{key}:building:{Guid.NewGuid():N}";
        foreach (var chunk in entries.Chunk(1000))
        {
            await db.SortedSetAddAsync(staging, chunk.Select(e => new SortedSetEntry(e.UserId.ToString(), e.Points)).ToArray());
            await db.KeyExpireAsync(staging, TimeToLive); // a build cut short leaves nothing behind for long
        }

        if (entries.Count == 0)
        {
            // Redis has no empty sorted sets; an empty period is cheap to read from PostgreSQL.
            await db.KeyDeleteAsync(key);
            return 0;
        }

        await db.KeyRenameAsync(staging, key);
        await db.KeyExpireAsync(key, TimeToLive);
        return entries.Count;
    }

    private async Task TryMirrorAsync(string period, CancellationToken cancellation)
    {
        try
        {
            await MirrorAsync(period, cancellation);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            CacheMetrics.Errors.Inc();
        }
    }

    private async Task<LeaderboardSnapshot> ReadDatabaseAsync(string period, int top, Guid? caller, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var entries = await session.Query<LeaderboardEntry>().Where(e => e.Period == period)
            .OrderByDescending(e => e.Points).Take(top).ToListAsync(cancellation);
        var rows = new List<LeaderboardRow>(entries.Count);
        foreach (var entry in entries) rows.Add(new LeaderboardRow(await RankAsync(session, period, entry.Points, cancellation), entry.UserId, entry.Points));

        LeaderboardRow? me = null;
        if (caller is { } id && await session.LoadAsync<LeaderboardEntry>(LeaderboardPeriods.Key(period, id), cancellation) is { } mine)
        {
            me = new LeaderboardRow(await RankAsync(session, period, mine.Points, cancellation), id, mine.Points);
        }

        return new LeaderboardSnapshot(rows, me);
    }

    // Equal scores share a rank: 1 + how many have strictly more.
    private static async Task<long> RankAsync(IDatabase db, string key, long points) =>
        1 + await db.SortedSetLengthAsync(key, points, double.PositiveInfinity, Exclude.Start);

    private static async Task<long> RankAsync(IQuerySession session, string period, long points, CancellationToken cancellation) =>
        1 + await session.Query<LeaderboardEntry>().CountAsync(e => e.Period == period && e.Points > points, cancellation);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Leaderboard read from PostgreSQL: Redis unavailable ({Failure})")]
    private static partial void LogRedisDown(ILogger logger, string failure);
}
