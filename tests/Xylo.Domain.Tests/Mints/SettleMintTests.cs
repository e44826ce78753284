using Shouldly;
using Xylo.Domain.Mints;
using Xylo.Domain.Points;
using Xylo.Domain.Rewards;

namespace Xylo.Domain.Tests.Mints;

public sealed class SettleMintTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid UserId = Guid.CreateVersion7();
    private static readonly Guid MintId = Guid.CreateVersion7();
    private static readonly Guid RewardId = Guid.CreateVersion7();

    private static readonly Mint Requested =
        Mint.Create(new MintRequested(MintId, UserId, RewardId, "0xabc", "ipfs://badge", 30, MintDecisions.RequestIdFor(MintId), Now));

    private static PointsAccount Held()
    {
        var lot = Guid.CreateVersion7();
        return PointsAccount.Create(new PointsEarned(UserId, lot, 100, "signup", "signup", null, null, Now.AddDays(-1), null))
            .Apply(new PointsReserved(UserId, MintId, 30, [new LotAllocation(lot, 30)], $"mint:{MintId}", Now, Now.AddYears(10)));
    }

    [Fact]
    public void A_confirmed_mint_spends_its_hold_and_leaves_the_reward_alone()
    {
        var decision = MintDecisions.Settle(Requested, Held(), [new MintConfirmed(MintId, UserId, 7, "0xaaa", 1, Now, Now)], Now);

        decision.Value!.AccountEvents.ShouldBe([new PointsSpent(UserId, MintId, 30, Now)]);
        decision.Value.RewardEvents.ShouldBeEmpty();
        MintDecisions.SettlementTouches(Requested, [new MintConfirmed(MintId, UserId, 7, "0xaaa", 1, Now, Now)]).ShouldBe((true, false));
    }

    [Fact]
    public void A_failed_mint_voids_its_hold_and_returns_the_unit_of_supply()
    {
        var decision = MintDecisions.Settle(Requested, Held(), [new MintFailed(MintId, UserId, "reverted", Now)], Now);

        decision.Value!.AccountEvents.ShouldBe([new PointsReleased(UserId, MintId, 30, $"mint {MintId} failed", Now)]);
        decision.Value.RewardEvents.ShouldBe([new RewardSupplyReturned(RewardId, MintId, "reverted", Now)]);
        MintDecisions.SettlementTouches(Requested, [new MintFailed(MintId, UserId, "reverted", Now)]).ShouldBe((true, true));
    }

    [Fact]
    public void A_failed_mint_of_a_reward_without_a_supply_limit_voids_its_hold_and_returns_no_unit()
    {
        var unlimited = Requested with { SupplyUnlimited = true };
        var decision = MintDecisions.Settle(unlimited, Held(), [new MintFailed(MintId, UserId, "reverted", Now)], Now);

        decision.Value!.AccountEvents.ShouldBe([new PointsReleased(UserId, MintId, 30, $"mint {MintId} failed", Now)]);
        decision.Value.RewardEvents.ShouldBeEmpty();
        MintDecisions.SettlementTouches(unlimited, [new MintFailed(MintId, UserId, "reverted", Now)]).ShouldBe((true, false));
    }

    [Fact]
    public void A_mint_failed_before_its_unit_was_allotted_voids_its_hold_and_returns_no_unit()
    {
        var waiting = Requested with { AwaitsSupply = true };
        var soldOut = new MintFailed(MintId, UserId, "sold out", Now);

        var decision = MintDecisions.Settle(waiting, Held(), [soldOut], Now);

        decision.Value!.AccountEvents.ShouldBe([new PointsReleased(UserId, MintId, 30, $"mint {MintId} failed", Now)]);
        decision.Value.RewardEvents.ShouldBeEmpty();
        MintDecisions.SettlementTouches(waiting, [soldOut]).ShouldBe((true, false));
    }

    [Fact]
    public void Other_mint_events_settle_nothing_and_a_missing_hold_is_refused()
    {
        var signed = new MintTransactionBroadcast(MintId, "0xaaa", Now);

        MintDecisions.Settle(Requested, Held(), [signed], Now).Events.ShouldBeEmpty();
        MintDecisions.SettlementTouches(Requested, [signed]).ShouldBe((false, false));
        MintDecisions.Settle(Requested, null, [new MintConfirmed(MintId, UserId, 7, "0xaaa", 1, Now, Now)], Now).Rejection!.Kind.ShouldBe(RejectionKind.NotFound);
    }
}
