using Marten.Events.Aggregation;
using Xylo.Domain.Rewards;

namespace Xylo.Projections.Rewards;

/// <summary><c>GET /rewards</c>: the catalog with what is left of each supply.</summary>
/// <param name="Claimed">Units held by live mints of a limited supply; 0 for a reward without a limit (its mints claim nothing).</param>
public sealed record RewardView(
    Guid Id,
    string Name,
    string Description,
    string MetadataUri,
    long Cost,
    int? Supply,
    int Claimed,
    int? Remaining,
    DateTimeOffset? AvailableFrom,
    DateTimeOffset? AvailableUntil,
    bool Retired,
    DateTimeOffset CreatedAt);

/// <summary>Inline: an admin sees a new reward at once, and a buyer never sees more supply than the stream allows.</summary>
public sealed partial class RewardViewProjection : SingleStreamProjection<RewardView, Guid>
{
    public static RewardView Create(RewardCreated e) =>
        new(e.RewardId, e.Name, e.Description, e.MetadataUri, e.Cost, e.Supply, 0, e.Supply, e.AvailableFrom, e.AvailableUntil, false, e.CreatedAt);

    public static RewardView Apply(RewardRetired e, RewardView view) => view with { Retired = true };

    public static RewardView Apply(RewardSupplyClaimed e, RewardView view) => Claim(view, +1);

    public static RewardView Apply(RewardSupplyReturned e, RewardView view) => Claim(view, -1);

    private static RewardView Claim(RewardView view, int units) =>
        view with { Claimed = view.Claimed + units, Remaining = view.Supply - (view.Claimed + units) };
}
