using System.Collections.Immutable;
using JasperFx.Core;

namespace Xylo.Domain.Points;

public sealed record PointsEarned(Guid UserId, Guid LotId, long Amount, string Rule, string Source, string? Reason, string? AwardedBy, DateTimeOffset EarnedAt, DateTimeOffset? ExpiresAt);

public sealed record LotAllocation(Guid LotId, long Amount);

public sealed record PointsReserved(Guid UserId, Guid HoldId, long Amount, IReadOnlyList<LotAllocation> Allocations, string Purpose, DateTimeOffset ReservedAt, DateTimeOffset ExpiresAt);

public sealed record PointsSpent(Guid UserId, Guid HoldId, long Amount, DateTimeOffset SpentAt);

public sealed record PointsReleased(Guid UserId, Guid HoldId, long Amount, string Reason, DateTimeOffset ReleasedAt);

public sealed record PointsExpired(Guid UserId, Guid LotId, long Amount, DateTimeOffset ExpiredAt);

public sealed record PointsDeducted(Guid UserId, long Amount, IReadOnlyList<LotAllocation> Allocations, string Reason, string DeductedBy, string Source, DateTimeOffset DeductedAt);

/// <summary>One credit; debits take from lots by name, so expiry removes only what is left of a lot.</summary>
public sealed record Lot(Guid LotId, long Amount, long Remaining, string Rule, DateTimeOffset EarnedAt, DateTimeOffset? ExpiresAt)
{
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiresAt && expiresAt <= now;
}

public enum HoldStatus
{
    Pending,
    Spent,
    Released,
}

/// <summary>Points taken out of their lots but not yet spent: posting spends them, voiding puts them back.</summary>
public sealed record Hold(Guid HoldId, long Amount, IReadOnlyList<LotAllocation> Allocations, DateTimeOffset ExpiresAt, HoldStatus Status,
    string? Purpose = null)
{
    public const string MintPurposePrefix = "mint:";

    /// <summary>A mint's hold settles with its mint (spent when minted, released when it fails), never by hand.</summary>
    public bool HeldByMint => Purpose?.StartsWith(MintPurposePrefix, StringComparison.Ordinal) == true;
}

/// <summary>
/// The write-side ledger of one user (stream id = user id), opened by its first <see cref="PointsEarned"/>.
/// Always <c>Earned == Available + Held + Spent + Expired</c>. Apply refuses an event that would break a
/// lot's bounds or settle a hold twice, so an inconsistent event fails the append instead of corrupting the balance.
/// Sources is a sorted set: a hash set of strings serializes in a per-process order, and a snapshot rebuilt in
/// another process must come out byte for byte the same.
/// </summary>
public sealed record PointsAccount(
    Guid Id,
    ImmutableList<Lot> Lots,
    ImmutableDictionary<Guid, Hold> Holds,
    ImmutableSortedSet<string> Sources,
    long Earned,
    long Spent,
    long Expired)
{
    // Computed rather than stored: `with` does not rerun initializers, so a cached total would go stale.
    public long Available => Lots.Sum(lot => lot.Remaining);

    public long Held => Holds.Values.Where(hold => hold.Status == HoldStatus.Pending).Sum(hold => hold.Amount);

    /// <summary>When the next points expire: the earliest expiry among lots with something left (null when none expire).</summary>
    public DateTimeOffset? NextExpiryAt => Lots.Where(lot => lot.Remaining > 0 && lot.ExpiresAt is not null).Min(lot => lot.ExpiresAt);

    /// <summary>How many points expire at <see cref="NextExpiryAt"/>.</summary>
    public long? NextExpiryAmount => NextExpiryAt is { } at ? Lots.Where(lot => lot.Remaining > 0 && lot.ExpiresAt == at).Sum(lot => lot.Remaining) : null;

    /// <summary>When the first pending hold runs out and is released (null when none is pending).</summary>
    public DateTimeOffset? NextHoldExpiryAt => Holds.Values.Where(hold => hold.Status == HoldStatus.Pending).Min(hold => (DateTimeOffset?)hold.ExpiresAt);

    /// <summary>What can be reserved at <paramref name="now"/>: lots past their expiry are about to be expired.</summary>
    public long AvailableAt(DateTimeOffset now) => Lots.Where(lot => !lot.IsExpiredAt(now)).Sum(lot => lot.Remaining);

    /// <summary>The one place an event moves a points account on; the stream opens with its first <see cref="PointsEarned"/>.</summary>
    [JasperFxIgnore]
    public static PointsAccount Evolve(PointsAccount? state, object @event) => (state, @event) switch
    {
        (null, PointsEarned e) => Create(e),
        (null, _) => throw new InvalidOperationException($"a points stream cannot start with {@event.GetType().Name}"),
        (_, PointsEarned e) => state.Apply(e),
        (_, PointsReserved e) => state.Apply(e),
        (_, PointsSpent e) => state.Apply(e),
        (_, PointsReleased e) => state.Apply(e),
        (_, PointsExpired e) => state.Apply(e),
        (_, PointsDeducted e) => state.Apply(e),
        _ => throw new InvalidOperationException($"{@event.GetType().Name} cannot be applied to points account {state.Id}"),
    };

    public static PointsAccount Create(PointsEarned e) =>
        new PointsAccount(e.UserId, [], ImmutableDictionary<Guid, Hold>.Empty, [], 0, 0, 0).Apply(e);

    public PointsAccount Apply(PointsEarned e)
    {
        if (Lots.Exists(lot => lot.LotId == e.LotId)) throw Inconsistent($"lot {e.LotId} is earned twice");

        return this with
        {
            Lots = Lots.Add(new Lot(e.LotId, e.Amount, e.Amount, e.Rule, e.EarnedAt, e.ExpiresAt)),
            Sources = Sources.Add(e.Source),
            Earned = Earned + e.Amount,
        };
    }

    public PointsAccount Apply(PointsReserved e)
    {
        if (Holds.ContainsKey(e.HoldId)) throw Inconsistent($"hold {e.HoldId} is reserved twice");

        return this with
        {
            Lots = Move(e.Allocations, -1),
            Holds = Holds.Add(e.HoldId, new Hold(e.HoldId, e.Amount, e.Allocations, e.ExpiresAt, HoldStatus.Pending, e.Purpose)),
        };
    }

    public PointsAccount Apply(PointsSpent e) => this with
    {
        Holds = Holds.SetItem(e.HoldId, PendingHold(e.HoldId, e.Amount) with { Status = HoldStatus.Spent }),
        Spent = Spent + e.Amount,
    };

    public PointsAccount Apply(PointsReleased e)
    {
        var hold = PendingHold(e.HoldId, e.Amount);
        return this with
        {
            Lots = Move(hold.Allocations, +1),
            Holds = Holds.SetItem(e.HoldId, hold with { Status = HoldStatus.Released }),
        };
    }

    public PointsAccount Apply(PointsExpired e) => this with
    {
        Lots = Move([new LotAllocation(e.LotId, e.Amount)], -1),
        Expired = Expired + e.Amount,
    };

    public PointsAccount Apply(PointsDeducted e) => this with
    {
        Lots = Move(e.Allocations, -1),
        Sources = Sources.Add(e.Source),
        Spent = Spent + e.Amount,
    };

    private Hold PendingHold(Guid holdId, long amount)
    {
        if (!Holds.TryGetValue(holdId, out var hold)) throw Inconsistent($"hold {holdId} does not exist");
        if (hold.Status != HoldStatus.Pending) throw Inconsistent($"hold {holdId} is already {hold.Status}");
        if (hold.Amount != amount) throw Inconsistent($"hold {holdId} is for {hold.Amount} points, not {amount}");
        return hold;
    }

    private ImmutableList<Lot> Move(IEnumerable<LotAllocation> allocations, int direction)
    {
        var lots = Lots.ToBuilder();
        foreach (var allocation in allocations)
        {
            var index = lots.FindIndex(lot => lot.LotId == allocation.LotId);
            if (index < 0) throw Inconsistent($"lot {allocation.LotId} does not exist");

            var lot = lots[index];
            var remaining = lot.Remaining + (direction * allocation.Amount);
            if (allocation.Amount <= 0 || remaining < 0 || remaining > lot.Amount)
            {
                throw Inconsistent($"lot {lot.LotId} would hold {remaining} of {lot.Amount} points");
            }

            lots[index] = lot with { Remaining = remaining };
        }

        return lots.ToImmutable();
    }

    private InvalidOperationException Inconsistent(string problem) => new($"points account {Id}: {problem}");
}
