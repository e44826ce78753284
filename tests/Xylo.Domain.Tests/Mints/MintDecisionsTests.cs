using System.Collections.Immutable;
using Shouldly;
using Xylo.Domain.Mints;
using Xylo.Domain.Points;
using Xylo.Domain.Rewards;
using Xylo.Domain.Users;

namespace Xylo.Domain.Tests.Mints;

public sealed class MintDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid UserId = Guid.CreateVersion7();
    private static readonly Guid RewardId = Guid.CreateVersion7();
    private static readonly Guid MintId = Guid.CreateVersion7();

    private static User Fan(string? wallet = "0xabc", bool suspended = false) =>
        new(UserId, "fan", null, wallet, ImmutableSortedSet.Create("user"), suspended);

    private static Reward Offer(long cost = 30, int? supply = 10, int claimed = 0, bool retired = false) =>
        new(RewardId, "Badge", "ipfs://badge", cost, supply, null, null, claimed, retired);

    private static (IReadOnlyList<object> Events, TrackOutcome Next) Tracked(Decision<TrackOutcome> decision) => (decision.Events, decision.Value);

    private static PointsAccount Points(long amount) =>
        PointsAccount.Create(new PointsEarned(UserId, Guid.CreateVersion7(), amount, "signup", "signup", null, null, Now.AddDays(-1), null));

    private static Mint Broadcast(MinedIn? mined = null, DateTimeOffset? sentAt = null)
    {
        var mint = Mint.Create(new MintRequested(MintId, UserId, RewardId, "0xabc", "ipfs://badge", 30, MintDecisions.RequestIdFor(MintId), Now))
            .Apply(new MintTransactionSigned(MintId, "0xsigner", 7, "0xaaa", "0xraw", 100_000, 50, 2, Now))
            .Apply(new MintTransactionBroadcast(MintId, "0xaaa", sentAt ?? Now));
        return mined is null ? mint : mint.Apply(new MintTransactionMined(MintId, mined.TxHash, mined.BlockNumber, mined.BlockHash, Now));
    }

    [Fact]
    public void A_request_holds_the_cost_awaits_its_unit_and_names_the_request_id_after_the_mint()
    {
        var (accepted, rejection) = MintDecisions.Request(new RequestMint(MintId, UserId, RewardId), Fan(), Offer(), Points(100), Now);

        rejection.ShouldBeNull();
        accepted!.Hold.Amount.ShouldBe(30);
        accepted.Hold.HoldId.ShouldBe(MintId);
        accepted.Requested.AwaitsSupply.ShouldBeTrue("a limited supply is allotted by the signer, in log order");
        Mint.Create(accepted.Requested).HoldsSupply.ShouldBeFalse();
        accepted.Requested.Wallet.ShouldBe("0xabc");
        MintDecisions.MintIdFor(accepted.Requested.RequestId).ShouldBe(MintId);
        accepted.Requested.RequestId.Length.ShouldBe(66);
    }

    [Fact]
    public void A_request_for_a_reward_without_a_supply_limit_holds_the_cost_and_leaves_the_reward_alone()
    {
        var (accepted, rejection) = MintDecisions.Request(new RequestMint(MintId, UserId, RewardId), Fan(), Offer(supply: null), Points(100), Now);

        rejection.ShouldBeNull();
        accepted!.Requested.AwaitsSupply.ShouldBeFalse();
        accepted.Requested.SupplyUnlimited.ShouldBeTrue();
        accepted.Hold.Amount.ShouldBe(30);
        MintDecisions.Request(new RequestMint(MintId, UserId, RewardId), Fan(), Offer(), Points(100), Now).Value!.Requested.SupplyUnlimited.ShouldBeFalse();
    }

    [Fact]
    public void Units_are_allotted_in_request_order_while_the_supply_lasts_and_the_rest_fail_as_sold_out()
    {
        var waiting = Enumerable.Range(0, 5).Select(_ => Waiting(Guid.CreateVersion7())).ToList();

        var allotment = MintDecisions.Allot(Offer(supply: 10, claimed: 7), waiting, Now).Value!;

        allotment.RewardEvents.ShouldBe([.. waiting.Take(3).Select(m => new RewardSupplyClaimed(RewardId, m.Id, Now))]);
        foreach (var mint in waiting.Take(3)) allotment.MintEvents[mint.Id].ShouldBe(new MintSupplyAllotted(mint.Id, RewardId, Now));
        foreach (var mint in waiting.Skip(3)) allotment.MintEvents[mint.Id].ShouldBe(new MintFailed(mint.Id, UserId, $"reward {RewardId} is sold out", Now));
        waiting[0].Apply((MintSupplyAllotted)allotment.MintEvents[waiting[0].Id]).HoldsSupply.ShouldBeTrue();
    }

    [Fact]
    public void A_mint_already_allotted_or_no_longer_queued_is_left_alone_and_takes_no_unit()
    {
        var allotted = Waiting(Guid.CreateVersion7()).Apply(new MintSupplyAllotted(MintId, RewardId, Now));
        var failed = Waiting(Guid.CreateVersion7()).Apply(new MintFailed(MintId, UserId, "reverted", Now));
        var waiting = Waiting(Guid.CreateVersion7());

        var allotment = MintDecisions.Allot(Offer(supply: 1), [allotted, failed, waiting, waiting], Now).Value!;

        allotment.RewardEvents.ShouldBe([new RewardSupplyClaimed(RewardId, waiting.Id, Now)]);
        allotment.MintEvents.Keys.ShouldBe([waiting.Id]);
    }

    [Fact]
    public void A_mint_waiting_for_its_unit_is_never_signed()
    {
        var tx = new SignedMintTransaction("0xsigner", 7, "0xaaa", "0xraw", 100_000, 50, 2);

        Should.Throw<InvalidOperationException>(() => MintDecisions.Sign(Waiting(MintId), tx, Now));
        MintDecisions.Sign(Waiting(MintId).Apply(new MintSupplyAllotted(MintId, RewardId, Now)), tx, Now).Events.Single().ShouldBeOfType<MintTransactionSigned>();
    }

    private static Mint Waiting(Guid mintId) =>
        Mint.Create(new MintRequested(mintId, UserId, RewardId, "0xabc", "ipfs://badge", 30, MintDecisions.RequestIdFor(mintId), Now, AwaitsSupply: true));

    [Theory]
    [InlineData("no wallet", RejectionKind.Conflict)]
    [InlineData("suspended", RejectionKind.Forbidden)]
    [InlineData("sold out", RejectionKind.Conflict)]
    [InlineData("retired", RejectionKind.Conflict)]
    [InlineData("poor", RejectionKind.Conflict)]
    public void A_request_that_cannot_be_met_is_rejected(string why, RejectionKind kind)
    {
        var user = why switch { "no wallet" => Fan(wallet: null), "suspended" => Fan(suspended: true), _ => Fan() };
        var reward = why switch { "sold out" => Offer(supply: 2, claimed: 2), "retired" => Offer(retired: true), _ => Offer() };
        var points = Points(why == "poor" ? 29 : 100);

        var (accepted, rejection) = MintDecisions.Request(new RequestMint(MintId, UserId, RewardId), user, reward, points, Now);

        accepted.ShouldBeNull();
        rejection.ShouldNotBeNull().Kind.ShouldBe(kind);
    }

    [Fact]
    public void Only_a_broadcast_mint_the_latest_block_changed_something_for_needs_a_tracking_step()
    {
        var stuck = TimeSpan.FromMinutes(1);
        var at10 = new MinedIn("0xaaa", 10, "0xb10");

        MintDecisions.NeedsTracking(Broadcast(), seen: null, safeBlock: 9, stuck, Now).ShouldBeFalse("sent just now, not mined: it waits");
        MintDecisions.NeedsTracking(Broadcast(sentAt: Now.AddMinutes(-2)), seen: null, safeBlock: 9, stuck, Now).ShouldBeTrue("overdue");
        MintDecisions.NeedsTracking(Broadcast(), at10, safeBlock: 9, stuck, Now).ShouldBeTrue("newly mined");
        MintDecisions.NeedsTracking(Broadcast(at10), at10, safeBlock: 9, stuck, Now).ShouldBeFalse("mined where recorded, short of the depth");
        MintDecisions.NeedsTracking(Broadcast(at10), at10, safeBlock: 10, stuck, Now).ShouldBeTrue("deep enough to confirm");
        MintDecisions.NeedsTracking(Broadcast(at10), at10 with { BlockHash = "0xc10" }, safeBlock: 9, stuck, Now).ShouldBeTrue("mined in another block");
        MintDecisions.NeedsTracking(Broadcast(at10), seen: null, safeBlock: 9, stuck, Now).ShouldBeTrue("its block was reorged away");
        var confirmed = Broadcast(at10).Apply(new MintConfirmed(MintId, UserId, 5, "0xaaa", 10, Now, Now));
        MintDecisions.NeedsTracking(confirmed, at10, safeBlock: 10, stuck, Now).ShouldBeFalse("confirmed already");
    }

    [Fact]
    public void A_receipt_below_the_safe_block_is_recorded_as_mined_and_waited_on()
    {
        var (events, next) = Tracked(MintDecisions.Track(Broadcast(), new ReceiptSeen("0xaaa", true, 10, "0xb10", 5, false, null), safeBlock: 9, TimeSpan.FromMinutes(1), Now));

        next.ShouldBe(TrackOutcome.Wait);
        events.ShouldHaveSingleItem().ShouldBeOfType<MintTransactionMined>().BlockNumber.ShouldBe(10);
    }

    [Fact]
    public void A_receipt_at_the_safe_block_confirms_with_the_token_of_the_log()
    {
        var mint = Broadcast(new MinedIn("0xaaa", 10, "0xb10"));

        var (events, next) = Tracked(MintDecisions.Track(mint, new ReceiptSeen("0xaaa", true, 10, "0xb10", 5, false, null), safeBlock: 10, TimeSpan.FromMinutes(1), Now));

        next.ShouldBe(TrackOutcome.Confirmed);
        events.ShouldHaveSingleItem().ShouldBe(new MintConfirmed(MintId, UserId, 5, "0xaaa", 10, Now, Now));
    }

    [Fact]
    public void A_mined_block_that_disappears_sends_the_mint_back_to_broadcast()
    {
        var mint = Broadcast(new MinedIn("0xaaa", 10, "0xb10"));

        var (events, next) = Tracked(MintDecisions.Track(mint, receipt: null, safeBlock: 9, TimeSpan.FromMinutes(1), Now));

        next.ShouldBe(TrackOutcome.Rebroadcast);
        events.ShouldHaveSingleItem().ShouldBe(new MintTransactionReorged(MintId, "0xaaa", 10, "0xb10", Now));
        mint.Apply((MintTransactionReorged)events[0]).Mined.ShouldBeNull();
    }

    [Fact]
    public void A_receipt_now_in_another_block_records_the_reorg_and_the_new_block()
    {
        var mint = Broadcast(new MinedIn("0xaaa", 10, "0xb10"));

        var (events, next) = Tracked(MintDecisions.Track(mint, new ReceiptSeen("0xaaa", true, 11, "0xb11", 5, false, null), safeBlock: 10, TimeSpan.FromMinutes(1), Now));

        next.ShouldBe(TrackOutcome.Wait);
        events.Select(e => e.GetType()).ShouldBe([typeof(MintTransactionReorged), typeof(MintTransactionMined)]);
    }

    [Fact]
    public void A_reverted_transaction_fails_the_mint_unless_the_contract_was_paused()
    {
        var reverted = new ReceiptSeen("0xaaa", false, 10, "0xb10", null, false, "status 0");

        MintDecisions.Track(Broadcast(), reverted, 10, TimeSpan.FromMinutes(1), Now).Value.ShouldBe(TrackOutcome.Failed);
        MintDecisions.Track(Broadcast(), reverted with { PausedAtBlock = true }, 10, TimeSpan.FromMinutes(1), Now).Value.ShouldBe(TrackOutcome.Deferred);
    }

    [Fact]
    public void A_transaction_not_mined_in_time_is_replaced_and_not_before()
    {
        MintDecisions.Track(Broadcast(sentAt: Now.AddSeconds(-30)), null, 9, TimeSpan.FromMinutes(1), Now).Value.ShouldBe(TrackOutcome.Wait);
        MintDecisions.Track(Broadcast(sentAt: Now.AddSeconds(-61)), null, 9, TimeSpan.FromMinutes(1), Now).Value.ShouldBe(TrackOutcome.Replace);
    }

    [Fact]
    public void An_overdue_transaction_whose_nonce_went_to_another_transaction_is_signed_again_and_one_whose_nonce_is_free_is_replaced()
    {
        var overdue = Broadcast(sentAt: Now.AddSeconds(-61));
        MintDecisions.IsOverdue(overdue, TimeSpan.FromMinutes(1), Now).ShouldBeTrue();
        MintDecisions.IsOverdue(Broadcast(sentAt: Now.AddSeconds(-30)), TimeSpan.FromMinutes(1), Now).ShouldBeFalse();
        MintDecisions.IsOverdue(Broadcast(new MinedIn("0xaaa", 10, "0xb10"), Now.AddSeconds(-61)), TimeSpan.FromMinutes(1), Now).ShouldBeFalse("mined is not overdue");

        // Nonce 7: the signer's count at the safe block is 8, so 7 is used there, by none of the mint's transactions.
        var (events, next) = Tracked(MintDecisions.Track(overdue, receipt: null, safeBlock: 9, TimeSpan.FromMinutes(1), Now, safeNonce: 8));
        next.ShouldBe(TrackOutcome.Resign);
        var taken = events.ShouldHaveSingleItem().ShouldBeOfType<MintNonceTakenElsewhere>();
        taken.ShouldBe(new MintNonceTakenElsewhere(MintId, "0xsigner", 7, 9, Now));
        var unsigned = overdue.Apply(taken);
        unsigned.Status.ShouldBe(MintStatus.Queued);
        unsigned.Nonce.ShouldBeNull();
        unsigned.TxHashes.ShouldBeEmpty();

        MintDecisions.Track(overdue, receipt: null, safeBlock: 9, TimeSpan.FromMinutes(1), Now, safeNonce: 7).Value.ShouldBe(TrackOutcome.Replace, "nonce 7 is still free");
    }

    [Fact]
    public void A_replacement_keeps_the_nonce_bumps_the_fees_within_the_cap_and_tracks_both_hashes()
    {
        var mint = Broadcast();
        var (maxFee, priority) = MintDecisions.BumpedFees(mint, suggestedMaxFee: 10, suggestedPriority: 1, bumpPercent: 20, cap: 1000);
        maxFee.ShouldBe(61);
        priority.ShouldBe(3);
        MintDecisions.BumpedFees(mint, 10, 1, 20, cap: 55).MaxFee.ShouldBe(55);

        var replaced = MintDecisions.Replace(mint, new SignedMintTransaction("0xsigner", 7, "0xbbb", "0xraw2", 100_000, maxFee, priority), Now).Events
            .ShouldHaveSingleItem().ShouldBeOfType<MintTransactionReplaced>();
        mint.Apply(replaced).TxHashes.ShouldBe(["0xaaa", "0xbbb"]);
        Should.Throw<ArgumentException>(() => MintDecisions.Replace(mint, new SignedMintTransaction("0xsigner", 8, "0xccc", "0xraw3", 1, 1, 1), Now));
    }

    [Fact]
    public void Steps_repeated_after_the_mint_moved_on_change_nothing()
    {
        var confirmed = Broadcast().Apply(new MintConfirmed(MintId, UserId, 5, "0xaaa", 10, Now, Now));

        MintDecisions.Sign(confirmed, new SignedMintTransaction("0xsigner", 8, "0xccc", "0xraw", 1, 1, 1), Now).Events.ShouldBeEmpty();
        MintDecisions.Broadcast(confirmed, Now).Events.ShouldBeEmpty();
        MintDecisions.Fail(confirmed, "late", Now).Events.ShouldBeEmpty();
        MintDecisions.Track(confirmed, null, 10, TimeSpan.Zero, Now).Value.ShouldBe(TrackOutcome.Stop);
        MintDecisions.SettleFromChain(confirmed, 5, null, 0, Now).Events.ShouldBeEmpty();
    }
}
