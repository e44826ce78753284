using System.Collections.Immutable;
using Marten.Events.Aggregation;
using Xylo.Domain.Points;

namespace Xylo.Projections.Points;

public sealed record ExpiringLot(Guid LotId, long Remaining, DateTimeOffset ExpiresAt);

public sealed record PendingHold(long Amount, DateTimeOffset ExpiresAt, IReadOnlyList<LotAllocation> Allocations);

/// <summary><c>GET /me/points</c>: what the user has, what is reserved, and what expires next.</summary>
public sealed record PointsBalance(
    Guid Id,
    long Available,
    long Held,
    long Earned,
    long Spent,
    long Expired,
    long? NextExpiryAmount,
    DateTimeOffset? NextExpiryAt,
    DateTimeOffset? NextHoldExpiryAt,
    ImmutableList<ExpiringLot> ExpiringLots,
    ImmutableDictionary<Guid, PendingHold> PendingHolds);

/// <summary>
/// Inline: a user sees their balance move the moment a check-in or a spend returns, and the maintenance
/// job finds due expiries and stale holds through <see cref="PointsBalance.NextExpiryAt"/> and
/// <see cref="PointsBalance.NextHoldExpiryAt"/>.
/// </summary>
public sealed partial class PointsBalanceProjection : SingleStreamProjection<PointsBalance, Guid>
{
    public static PointsBalance Create(PointsEarned e) =>
        Apply(e, new PointsBalance(e.UserId, 0, 0, 0, 0, 0, null, null, null, [], ImmutableDictionary<Guid, PendingHold>.Empty));

    public static PointsBalance Apply(PointsEarned e, PointsBalance view) => Derive(view with
    {
        Available = view.Available + e.Amount,
        Earned = view.Earned + e.Amount,
        ExpiringLots = e.ExpiresAt is { } at ? view.ExpiringLots.Add(new ExpiringLot(e.LotId, e.Amount, at)) : view.ExpiringLots,
    });

    public static PointsBalance Apply(PointsReserved e, PointsBalance view) => Derive(view with
    {
        Available = view.Available - e.Amount,
        Held = view.Held + e.Amount,
        ExpiringLots = Move(view.ExpiringLots, e.Allocations, -1),
        PendingHolds = view.PendingHolds.SetItem(e.HoldId, new PendingHold(e.Amount, e.ExpiresAt, e.Allocations)),
    });

    public static PointsBalance Apply(PointsSpent e, PointsBalance view) => Derive(view with
    {
        Held = view.Held - e.Amount,
        Spent = view.Spent + e.Amount,
        PendingHolds = view.PendingHolds.Remove(e.HoldId),
    });

    public static PointsBalance Apply(PointsReleased e, PointsBalance view) => Derive(view with
    {
        Held = view.Held - e.Amount,
        Available = view.Available + e.Amount,
        ExpiringLots = view.PendingHolds.TryGetValue(e.HoldId, out var hold) ? Move(view.ExpiringLots, hold.Allocations, +1) : view.ExpiringLots,
        PendingHolds = view.PendingHolds.Remove(e.HoldId),
    });

    public static PointsBalance Apply(PointsExpired e, PointsBalance view) => Derive(view with
    {
        Available = view.Available - e.Amount,
        Expired = view.Expired + e.Amount,
        ExpiringLots = Move(view.ExpiringLots, [new LotAllocation(e.LotId, e.Amount)], -1),
    });

    public static PointsBalance Apply(PointsDeducted e, PointsBalance view) => Derive(view with
    {
        Available = view.Available - e.Amount,
        Spent = view.Spent + e.Amount,
        ExpiringLots = Move(view.ExpiringLots, e.Allocations, -1),
    });

    private static ImmutableList<ExpiringLot> Move(ImmutableList<ExpiringLot> lots, IReadOnlyList<LotAllocation> allocations, int sign)
    {
        foreach (var allocation in allocations)
        {
            var index = lots.FindIndex(l => l.LotId == allocation.LotId);
            if (index >= 0) lots = lots.SetItem(index, lots[index] with { Remaining = lots[index].Remaining + (sign * allocation.Amount) });
        }

        return lots;
    }

    private static PointsBalance Derive(PointsBalance view)
    {
        var due = view.ExpiringLots.Where(l => l.Remaining > 0).GroupBy(l => l.ExpiresAt).OrderBy(g => g.Key).FirstOrDefault();
        return view with
        {
            NextExpiryAt = due?.Key,
            NextExpiryAmount = due?.Sum(l => l.Remaining),
            NextHoldExpiryAt = view.PendingHolds.IsEmpty ? null : view.PendingHolds.Values.Min(h => h.ExpiresAt),
        };
    }
}
