using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
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
/// Inline, one document per ledger event. A user's whole ledger is one stream, so the event's stream
/// version orders their history and serves as the keyset cursor.
/// </summary>
public sealed partial class PointsHistoryProjection : EventProjection
{
    public static PointsHistoryEntry Create(IEvent<PointsEarned> e) =>
        new(e.Id, e.Data.UserId, e.Version, "earned", e.Data.Amount, e.Data.Rule, e.Data.Source, e.Data.Reason, e.Data.AwardedBy, e.Data.LotId, null, e.Data.EarnedAt);

    public static PointsHistoryEntry Create(IEvent<PointsReserved> e) =>
        new(e.Id, e.Data.UserId, e.Version, "held", -e.Data.Amount, null, null, e.Data.Purpose, null, null, e.Data.HoldId, e.Data.ReservedAt);

    public static PointsHistoryEntry Create(IEvent<PointsSpent> e) =>
        new(e.Id, e.Data.UserId, e.Version, "spent", 0, null, null, null, null, null, e.Data.HoldId, e.Data.SpentAt);

    public static PointsHistoryEntry Create(IEvent<PointsReleased> e) =>
        new(e.Id, e.Data.UserId, e.Version, "released", e.Data.Amount, null, null, e.Data.Reason, null, null, e.Data.HoldId, e.Data.ReleasedAt);

    public static PointsHistoryEntry Create(IEvent<PointsExpired> e) =>
        new(e.Id, e.Data.UserId, e.Version, "expired", -e.Data.Amount, null, null, "expired", null, e.Data.LotId, null, e.Data.ExpiredAt);

    public static PointsHistoryEntry Create(IEvent<PointsDeducted> e) =>
        new(e.Id, e.Data.UserId, e.Version, "deducted", -e.Data.Amount, null, e.Data.Source, e.Data.Reason, e.Data.DeductedBy, null, null, e.Data.DeductedAt);
}
