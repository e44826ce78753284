using Shouldly;
using Xylo.Domain.Points;
using Xylo.Domain.Vault;

namespace Xylo.Domain.Tests.Vault;

public sealed class VaultDecisionsTests
{
    private const string Wallet = "0x00000000000000000000000000000000000000aa";
    private static readonly Guid Fan = Guid.CreateVersion7();
    private static readonly EarningRule Rule = EarningRule.Defaults.Single(r => r.Id == EarningRule.VaultDepositId);

    private static ChainVaultLog Deposit(string blockHash = "0xb1", long block = 10, string amount = "2500000000000000000") =>
        new(VaultLogKind.Deposit, "0xt1", 3, block, blockHash, Wallet, VaultLog.NativeToken, amount, 18);

    private static VaultLog? Evolve(VaultLog? state, IEnumerable<object> events) => events.Aggregate(state, VaultLog.Evolve);

    private static VaultLog Observed(ChainVaultLog? log = null) => Evolve(null, VaultDecisions.Observe(null, log ?? Deposit(), Given.Now).Events)!;

    [Fact]
    public void A_new_log_is_observed_and_the_same_log_read_again_appends_nothing()
    {
        var first = VaultDecisions.Observe(null, Deposit(), Given.Now);
        var observed = first.Events.ShouldHaveSingleItem().ShouldBeOfType<VaultDepositObserved>();
        observed.LogId.ShouldBe(VaultLog.IdFor("0xT1", 3), "one stream per (tx hash, log index), whatever the case of the hash");

        var state = Evolve(null, first.Events)!;
        VaultDecisions.Observe(state, Deposit(), Given.Now).Events.ShouldBeEmpty();
        state.Unsettled.ShouldBeTrue("a deposit waits for the points rule");
    }

    [Fact]
    public void A_log_seen_in_another_block_is_reorged_then_observed_again()
    {
        var events = VaultDecisions.Observe(Observed(), Deposit("0xb2", 11), Given.Now).Events;

        events.Select(e => e.GetType()).ShouldBe([typeof(VaultEventReorged), typeof(VaultDepositObserved)]);
        var state = Evolve(Observed(), events)!;
        (state.Status, state.BlockNumber, state.Observations).ShouldBe((VaultLogStatus.Indexed, 11L, 2));
    }

    [Fact]
    public void A_reorg_reverses_only_logs_above_the_fork_point_and_only_once()
    {
        var log = Observed();

        VaultDecisions.Reorg(log, 10, Given.Now).Events.ShouldBeEmpty("the fork point itself is still on the chain");
        var reorged = Evolve(log, VaultDecisions.Reorg(log, 9, Given.Now).Events)!;
        reorged.Status.ShouldBe(VaultLogStatus.Reorged);
        VaultDecisions.Reorg(reorged, 5, Given.Now).Events.ShouldBeEmpty();
        reorged.Unsettled.ShouldBeFalse("nothing was credited, so nothing is to reverse");
    }

    [Fact]
    public void A_deposit_offers_the_rule_amount_per_whole_unit()
    {
        VaultDecisions.PointsOffered(Observed(), Rule).ShouldBe(20, "2.5 units → 2 whole units × 10");
        VaultDecisions.PointsOffered(Observed(Deposit(amount: "999")), Rule).ShouldBe(0);
        VaultDecisions.PointsOffered(Observed(Deposit(amount: "1" + new string('0', 40))), Rule).ShouldBe(PointsDecisions.MaxSingleAmount);
    }

    [Fact]
    public void A_reorged_credit_is_taken_back_as_far_as_the_fan_still_has_it()
    {
        var credited = Evolve(Observed(), [new VaultDepositCredited(Observed().Id, Fan, 20, Observed().CreditSource, null, Given.Now)])!;
        credited.Unsettled.ShouldBeFalse();
        var reorged = Evolve(credited, VaultDecisions.Reorg(credited, 9, Given.Now).Events)!;
        reorged.Unsettled.ShouldBeTrue("its credit is to reverse");
        var account = Given.Points(new PointsEarned(Fan, Guid.CreateVersion7(), 20, Rule.Id, credited.CreditSource, null, null, Given.Now, null));

        var reversal = VaultDecisions.Reverse(reorged, account, Given.Now);

        reversal.PointsEvents.ShouldHaveSingleItem().ShouldBeOfType<PointsDeducted>().Amount.ShouldBe(20);
        var reversed = reversal.LogEvents.ShouldHaveSingleItem().ShouldBeOfType<VaultCreditReversed>();
        (reversed.Points, reversed.Shortfall).ShouldBe((20L, 0L));
        Evolve(reorged, reversal.LogEvents)!.Unsettled.ShouldBeFalse();

        var spent = Given.Points(new PointsEarned(Fan, Guid.CreateVersion7(), 5, Rule.Id, "other", null, null, Given.Now, null));
        var partial = VaultDecisions.Reverse(reorged, spent, Given.Now);
        partial.PointsEvents.ShouldHaveSingleItem().ShouldBeOfType<PointsDeducted>().Amount.ShouldBe(5);
        partial.LogEvents.ShouldHaveSingleItem().ShouldBeOfType<VaultCreditReversed>().Shortfall.ShouldBe(15);
    }

    [Fact]
    public void A_log_back_after_a_reorg_is_a_new_source_once_its_old_credit_was_reversed()
    {
        var log = Observed();
        var credited = Evolve(log, [new VaultDepositCredited(log.Id, Fan, 20, log.CreditSource, null, Given.Now)])!;
        var reorged = Evolve(credited, VaultDecisions.Reorg(credited, 9, Given.Now).Events)!;

        var backBeforeReversal = Evolve(reorged, VaultDecisions.Observe(reorged, Deposit("0xb3", 12), Given.Now).Events)!;
        backBeforeReversal.Credit.ShouldBe(credited.Credit, "the credit stands: the deposit is back");
        backBeforeReversal.Unsettled.ShouldBeFalse();

        var reversed = Evolve(reorged, [new VaultCreditReversed(log.Id, Fan, 20, 0, "reorg", Given.Now)])!;
        var back = Evolve(reversed, VaultDecisions.Observe(reversed, Deposit("0xb3", 12), Given.Now).Events)!;
        back.Unsettled.ShouldBeTrue();
        back.CreditSource.ShouldNotBe(log.CreditSource);
    }
}
