using System.Globalization;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Xylo.Domain.Points;

namespace Xylo.Projections.Points;

/// <summary>Points earned by one user in one period ("all", "2026-11", "2026-W48"); the id is "period:user".</summary>
public sealed record LeaderboardEntry(string Id, Guid UserId, long Points)
{
    public string Period => Id[..Id.IndexOf(':', StringComparison.Ordinal)];
}

public static class LeaderboardPeriods
{
    public const string AllTime = "all";

    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string Week(DateTimeOffset at) =>
        $"{ISOWeek.GetYear(at.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(at.UtcDateTime):00}";

    public static IReadOnlyList<string> Of(DateTimeOffset at) => [AllTime, Month(at), Week(at)];

    public static string Key(string period, Guid userId) => $"{period}:{userId}";
}

/// <summary>
/// Async (the daemon builds it): earned points per user for all time, the month and the ISO week of
/// when they were earned. Deductions and expiries do not lower a leaderboard score.
/// </summary>
/// <remarks>
/// A score only ever grows by what an event adds, so a page of events becomes one statement of increments
/// (<c>insert … on conflict do update</c>, summed per entry in memory) instead of a load and an upsert per entry: no
/// document is read, and the daemon commits the statement with its progress, so no page is counted twice. A rebuild
/// deletes every entry first (<see cref="Register"/>).
/// </remarks>
public sealed class LeaderboardProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "LeaderboardEntry";

    /// <summary>Only <see cref="PointsEarned"/> is read: the daemon's page query filters on the event type index.</summary>
    public LeaderboardProjection()
    {
        Name = ProjectionName;
        IncludeType<PointsEarned>();
    }

    public static void Register(StoreOptions options)
    {
        options.Projections.Add(new LeaderboardProjection(), ProjectionLifecycle.Async, ProjectionName,
            async => async.DeleteViewTypeOnTeardown<LeaderboardEntry>());
        // Numeric revisions, as the aggregation this projection replaced kept them: existing tables need no migration.
        options.Schema.For<LeaderboardEntry>().UseNumericRevisions(true).Duplicate(x => x.Period).Index(x => x.Points);
    }

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var increments = new Dictionary<string, (Guid UserId, string Period, long Points)>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Data is not PointsEarned earned) continue;
            foreach (var period in LeaderboardPeriods.Of(earned.EarnedAt))
            {
                var id = LeaderboardPeriods.Key(period, earned.UserId);
                var points = increments.TryGetValue(id, out var sum) ? sum.Points : 0;
                increments[id] = (earned.UserId, period, points + earned.Amount);
            }
        }

        if (increments.Count == 0) return Task.CompletedTask;

        var table = operations.DocumentStore.Options.FindOrResolveDocumentType(typeof(LeaderboardEntry)).TableName.QualifiedName;
        operations.QueueSqlCommand($$"""
            insert into {{table}} as entry (id, data, mt_version, mt_dotnet_type, mt_last_modified, period)
            select k.id, jsonb_build_object('Id', k.id, 'UserId', k.user_id, 'Points', k.points, 'Period', k.period), 1, ?, transaction_timestamp(), k.period
              from unnest(?::varchar[], ?::uuid[], ?::bigint[], ?::varchar[]) as k(id, user_id, points, period)
            on conflict (id) do update
               set data = jsonb_set(entry.data, '{Points}', to_jsonb((entry.data ->> 'Points')::bigint + (excluded.data ->> 'Points')::bigint)),
                   mt_version = entry.mt_version + 1,
                   mt_last_modified = excluded.mt_last_modified
            """,
            typeof(LeaderboardEntry).FullName!,
            increments.Keys.ToArray(), increments.Values.Select(v => v.UserId).ToArray(),
            increments.Values.Select(v => v.Points).ToArray(), increments.Values.Select(v => v.Period).ToArray());
        return Task.CompletedTask;
    }
}
