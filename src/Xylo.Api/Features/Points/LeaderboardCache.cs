using Marten;
using StackExchange.Redis;
using Xylo.Api.Hosting;
using Xylo.Api.Operations.Caching;
using Xylo.Projections.Points;

namespace Xylo.Api.Features.Points;

public sealed record LeaderboardRow(long Rank, Guid UserId, long Points);

public sealed record LeaderboardSnapshot(IReadOnlyList<LeaderboardRow> Top, LeaderboardRow? Caller);

/// <summary>
/// The leaderboard projection mirrored into Redis sorted sets (one per period), rebuilt from the
/// projection on a miss or by <c>POST /admin/cache/warm</c>, and expiring after <see cref="TimeToLive"/>
/// so it never drifts far. Without Redis every read is answered from PostgreSQL: the read replica when one serves (the board
/// already tolerates the mirror's minute), else the primary.
/// </summary>
public sealed partial class LeaderboardCache(IConnectionMultiplexer redis, ReadReplica replica, ILogger<LeaderboardCache> logger)
{
    /// <summary>This read's name in <c>xylo_db_replica_reads_total</c>.</summary>
    public const string Read = "leaderboard";

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
            // Redis is down: no mirror to rebuild (it loaded the whole period table only to fail), and the top of the board
            // is read from PostgreSQL at most once per period and size every few seconds, however many ask.
            CacheMetrics.Count(hit: false);
            var top10 = await _fallback.GetOrAddAsync($"{period}:{top}", () => ReadTopAsync(period, top, CancellationToken.None));
            return (new LeaderboardSnapshot(top10, await ReadCallerAsync(period, caller, cancellation)), false);
        }

        CacheMetrics.Count(hit: false);
        var snapshot = new LeaderboardSnapshot(await ReadTopAsync(period, top, cancellation), await ReadCallerAsync(period, caller, cancellation));
        await TryMirrorAsync(period, cancellation);
        return (snapshot, false);
    }

    private readonly ShortLived<IReadOnlyList<LeaderboardRow>> _fallback = new(TimeSpan.FromSeconds(5));

    /// <summary>Values kept a few seconds, concurrent askers sharing one load.</summary>
    private sealed class ShortLived<T>(TimeSpan lifetime)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Task<T> Value, DateTimeOffset At)> _entries = new();

        public Task<T> GetOrAddAsync(string key, Func<Task<T>> load)
        {
            var now = DateTimeOffset.UtcNow;
            var entry = _entries.AddOrUpdate(key, _ => (load(), now),
                (_, old) => old.Value.IsFaulted || old.Value.IsCanceled || (old.Value.IsCompleted && now - old.At > lifetime) ? (load(), now) : old);
            return entry.Value;
        }
    }

    /// <summary>Rebuilds the Redis mirror of one period from the projection; returns how many entries it holds.</summary>
    public async Task<long> MirrorAsync(string period, CancellationToken cancellation)
    {
        var entries = await replica.QueryAsync(Read, session => session.Query<LeaderboardEntry>().Where(e => e.Period == period).ToListAsync(cancellation),
            cancellation);
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

    /// <summary>The top rows in one statement: the list is in descending order, so a row's rank is 1 + the rows above it with more points.</summary>
    private async Task<IReadOnlyList<LeaderboardRow>> ReadTopAsync(string period, int top, CancellationToken cancellation)
    {
        var entries = await replica.QueryAsync(Read, session => session.Query<LeaderboardEntry>().Where(e => e.Period == period)
            .OrderByDescending(e => e.Points).Take(top).ToListAsync(cancellation), cancellation);
        var rows = new List<LeaderboardRow>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var rank = i > 0 && entries[i].Points == entries[i - 1].Points ? rows[i - 1].Rank : i + 1;
            rows.Add(new LeaderboardRow(rank, entries[i].UserId, entries[i].Points));
        }

        return rows;
    }

    private async Task<LeaderboardRow?> ReadCallerAsync(string period, Guid? caller, CancellationToken cancellation)
    {
        if (caller is not { } id) return null;
        return await replica.QueryAsync(Read, async session =>
            await session.LoadAsync<LeaderboardEntry>(LeaderboardPeriods.Key(period, id), cancellation) is { } mine
                ? new LeaderboardRow(await RankAsync(session, period, mine.Points, cancellation), id, mine.Points)
                : null, cancellation);
    }

    // Equal scores share a rank: 1 + how many have strictly more.
    private static async Task<long> RankAsync(IDatabase db, string key, long points) =>
        1 + await db.SortedSetLengthAsync(key, points, double.PositiveInfinity, Exclude.Start);

    private static async Task<long> RankAsync(IQuerySession session, string period, long points, CancellationToken cancellation) =>
        1 + await session.Query<LeaderboardEntry>().CountAsync(e => e.Period == period && e.Points > points, cancellation);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Leaderboard read from PostgreSQL: Redis unavailable ({Failure})")]
    private static partial void LogRedisDown(ILogger logger, string failure);
}
