using JasperFx.Core;

namespace Xylo.Domain.Rewards;

public sealed record RewardCreated(
    Guid RewardId,
    string Name,
    string Description,
    string MetadataUri,
    long Cost,
    int? Supply,
    DateTimeOffset? AvailableFrom,
    DateTimeOffset? AvailableUntil,
    string CreatedBy,
    DateTimeOffset CreatedAt);

public sealed record RewardRetired(Guid RewardId, string RetiredBy, DateTimeOffset RetiredAt);

public sealed record RewardSupplyClaimed(Guid RewardId, Guid MintId, DateTimeOffset ClaimedAt);

/// <summary>A failed mint gives its unit of supply back.</summary>
public sealed record RewardSupplyReturned(Guid RewardId, Guid MintId, string Reason, DateTimeOffset ReturnedAt);

/// <summary>
/// A reward of the catalog (stream id = reward id). Claims, made only for a limited supply, are appended with the
/// stream locked (a transaction-scoped advisory lock on the reward, MintStreams.OpenLockedAsync), so concurrent mints
/// of one reward queue up instead of overselling or conflicting; a reward without a limit is not written to by mints.
/// </summary>
public sealed record Reward(
    Guid Id,
    string Name,
    string MetadataUri,
    long Cost,
    int? Supply,
    DateTimeOffset? AvailableFrom,
    DateTimeOffset? AvailableUntil,
    int Claimed,
    bool Retired)
{
    /// <summary>Units not yet claimed by a live mint; null when the supply is unlimited.</summary>
    public int? Remaining => Supply - Claimed;

    /// <summary>The one place an event moves a reward on.</summary>
    [JasperFxIgnore]
    public static Reward Evolve(Reward? state, object @event) => (state, @event) switch
    {
        (null, RewardCreated e) => Create(e),
        (null, _) => throw new InvalidOperationException($"a reward stream cannot start with {@event.GetType().Name}"),
        (_, RewardRetired e) => state.Apply(e),
        (_, RewardSupplyClaimed e) => state.Apply(e),
        (_, RewardSupplyReturned e) => state.Apply(e),
        _ => throw new InvalidOperationException($"{@event.GetType().Name} cannot be applied to reward {state.Id}"),
    };

    public static Reward Create(RewardCreated e) =>
        new(e.RewardId, e.Name, e.MetadataUri, e.Cost, e.Supply, e.AvailableFrom, e.AvailableUntil, 0, false);

    public Reward Apply(RewardRetired e) => this with { Retired = true };

    public Reward Apply(RewardSupplyClaimed e) => this with { Claimed = Claimed + 1 };

    public Reward Apply(RewardSupplyReturned e) => this with { Claimed = Claimed - 1 };
}
