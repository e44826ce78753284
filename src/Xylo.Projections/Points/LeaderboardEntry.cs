using System.Globalization;
using JasperFx.Events;
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
public sealed partial class LeaderboardProjection : MultiStreamProjection<LeaderboardEntry, string>
{
    public LeaderboardProjection()
    {
        Identities<PointsEarned>(e => LeaderboardPeriods.Of(e.EarnedAt).Select(p => LeaderboardPeriods.Key(p, e.UserId)).ToList());
    }

    public static LeaderboardEntry Create(IEvent<PointsEarned> e) => new("", e.Data.UserId, e.Data.Amount);

    public static LeaderboardEntry Apply(IEvent<PointsEarned> e, LeaderboardEntry entry) => entry with { Points = entry.Points + e.Data.Amount };
}
