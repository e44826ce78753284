using Xylo.Domain.Points;
using Xylo.Domain.Rewards;

namespace Xylo.Domain.Mints;

/// <summary>The events a mint's end appends to the fan's points account and to the reward.</summary>
public sealed record SettlementEvents(IReadOnlyList<object> AccountEvents, IReadOnlyList<object> RewardEvents);

public static partial class MintDecisions
{
    /// <summary>
    /// What a mint's end does to the other streams, in the same transaction as the mint's own events: a confirmation
    /// spends the hold; a failure voids it and returns the unit of supply (if the mint holds one).
    /// </summary>
    public static Decision<SettlementEvents> Settle(Mint mint, PointsAccount? account, IReadOnlyList<object> mintEvents, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(mint);
        List<object> accountEvents = [], rewardEvents = [];
        foreach (var e in mintEvents)
        {
            var decision = e switch
            {
                MintConfirmed => PointsDecisions.Post(account, new PostHold(mint.UserId, mint.Id), now),
                MintFailed => PointsDecisions.Void(account, new VoidHold(mint.UserId, mint.Id, $"mint {mint.Id} failed"), now),
                _ => Decision.Accept(),
            };
            if (decision.Rejection is { } refused) return Decision<SettlementEvents>.Refused(refused);

            if (e is MintFailed failed && mint.HoldsSupply) rewardEvents.Add(new RewardSupplyReturned(mint.RewardId, mint.Id, failed.Reason, now));
            accountEvents.AddRange(decision.Events);
            account = decision.Events.Aggregate(account, PointsAccount.Evolve);
        }

        return Decision<SettlementEvents>.Accept(new SettlementEvents(accountEvents, rewardEvents), [.. rewardEvents, .. accountEvents]);
    }

    /// <summary>Whether <see cref="Settle"/> writes to the account (and, for a failure, to the reward) at all.</summary>
    public static (bool Account, bool Reward) SettlementTouches(Mint mint, IReadOnlyList<object> mintEvents) =>
        (mintEvents.Any(e => e is MintConfirmed or MintFailed), mint.HoldsSupply && mintEvents.Any(e => e is MintFailed));
}
