using JasperFx.Events;
using Xylo.Domain.Points;

namespace Xylo.Projections.Points;

/// <summary>One line of <c>GET /me/points/history</c>, with the provenance of the change.</summary>
/// <param name="Amount">Signed: what the available balance gained (+) or lost (−).</param>
public sealed record PointsHistoryEntry(
    Guid Id,
    Guid UserId,
    long Version,
    string Kind,
    long Amount,
    string? Rule,
    string? Source,
    string? Reason,
    string? By,
    Guid? LotId,
    Guid? HoldId,
    DateTimeOffset At);

/// <summary>
/// A fan's history is read from the event log itself (the user's stream, in version order): the stream already holds every
/// line with its provenance, so no document is written per ledger event. The stream version orders the history and
/// serves as the keyset cursor.
/// </summary>
public static class PointsHistory
{
    public static readonly Type[] EventTypes =
        [typeof(PointsEarned), typeof(PointsReserved), typeof(PointsSpent), typeof(PointsReleased), typeof(PointsExpired), typeof(PointsDeducted)];

    public static PointsHistoryEntry? From(IEvent e) => e.Data switch
    {
        PointsEarned x => new(e.Id, x.UserId, e.Version, "earned", x.Amount, x.Rule, x.Source, x.Reason, x.AwardedBy, x.LotId, null, x.EarnedAt),
        PointsReserved x => new(e.Id, x.UserId, e.Version, "held", -x.Amount, null, null, x.Purpose, null, null, x.HoldId, x.ReservedAt),
        PointsSpent x => new(e.Id, x.UserId, e.Version, "spent", 0, null, null, null, null, null, x.HoldId, x.SpentAt),
        PointsReleased x => new(e.Id, x.UserId, e.Version, "released", x.Amount, null, null, x.Reason, null, null, x.HoldId, x.ReleasedAt),
        PointsExpired x => new(e.Id, x.UserId, e.Version, "expired", -x.Amount, null, null, "expired", null, x.LotId, null, x.ExpiredAt),
        PointsDeducted x => new(e.Id, x.UserId, e.Version, "deducted", -x.Amount, null, x.Source, x.Reason, x.DeductedBy, null, null, x.DeductedAt),
        _ => null,
    };
}
