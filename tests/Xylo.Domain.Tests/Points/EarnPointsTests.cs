using Shouldly;
using Xylo.Domain.Points;
using static Xylo.Domain.Tests.Points.PointsHistory;

namespace Xylo.Domain.Tests.Points;

public sealed class EarnPointsTests
{
    [Fact]
    public void Earning_without_an_account_opens_it_with_one_lot()
    {
        var lot = Guid.CreateVersion7();

        var decision = PointsDecisions.Earn(null, Earn(lot, 50, expiresAt: Day(30)), Given.Now);

        var earned = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsEarned>();
        earned.ShouldBe(new PointsEarned(UserId, lot, 50, "comment", "video:1", "commented on a video", null, Given.Now, Day(30)));
        var account = Given.Points(earned);
        account.Id.ShouldBe(UserId);
        account.Lots.ShouldBe([new Lot(lot, 50, 50, "comment", Given.Now, Day(30))]);
        (account.Available, account.Earned, account.Sources.Single()).ShouldBe((50L, 50L, "video:1"));
    }

    [Fact]
    public void Earning_again_adds_a_lot_and_keeps_the_first()
    {
        var (first, second) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(Earned(first, 100));

        var decision = PointsDecisions.Earn(account, Earn(second, 30, "video:2"), Given.Now);

        var after = account.Apply(decision.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsEarned>());
        after.Lots.Select(l => (l.LotId, l.Remaining)).ShouldBe([(first, 100L), (second, 30L)]);
        (after.Available, after.Earned).ShouldBe((130L, 130L));
    }

    [Fact]
    public void Earning_from_a_source_already_awarded_appends_nothing()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100, source: "video:1"));

        var decision = PointsDecisions.Earn(account, Earn(Guid.CreateVersion7(), 100, "video:1"), Given.Now);

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Redelivering_an_earn_after_its_points_expired_appends_nothing()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100, expiresAt: Day(-1), source: "video:1"));

        var decision = PointsDecisions.Earn(account, Earn(Guid.CreateVersion7(), 100, "video:1", expiresAt: Day(-1)), Given.Now);

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void A_source_used_by_a_deduction_is_never_awarded()
    {
        var lot = Guid.CreateVersion7();
        var account = Given.Points(Earned(lot, 100), Deducted("shared:1", new LotAllocation(lot, 10)));

        PointsDecisions.Earn(account, Earn(Guid.CreateVersion7(), 10, "shared:1"), Given.Now).Events.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(PointsDecisions.MaxSingleAmount + 1)]
    [InlineData(long.MinValue)]
    public void Amounts_outside_one_to_the_maximum_are_invalid(long amount)
    {
        var decision = PointsDecisions.Earn(null, Earn(Guid.CreateVersion7(), amount), Given.Now);

        decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void The_maximum_single_amount_can_be_earned()
    {
        PointsDecisions.Earn(null, Earn(Guid.CreateVersion7(), PointsDecisions.MaxSingleAmount), Given.Now).Events.ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("", "video:1")]
    [InlineData("comment", "")]
    [InlineData(" ", "video:1")]
    [InlineData("comment", "  ")]
    public void Rule_and_source_are_required(string rule, string source)
    {
        var command = Earn(Guid.CreateVersion7(), 10, source) with { Rule = rule };

        PointsDecisions.Earn(null, command, Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void A_source_longer_than_the_key_limit_is_invalid()
    {
        var command = Earn(Guid.CreateVersion7(), 10, new string('s', PointsDecisions.MaxKeyLength + 1));

        PointsDecisions.Earn(null, command, Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void Reason_and_awarder_longer_than_their_limits_are_invalid()
    {
        var longReason = Earn(Guid.CreateVersion7(), 10) with { Reason = new string('r', TextLimits.MaxReasonLength + 1) };
        var longAwarder = Earn(Guid.CreateVersion7(), 10) with { AwardedBy = new string('a', PointsDecisions.MaxKeyLength + 1) };

        PointsDecisions.Earn(null, longReason, Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
        PointsDecisions.Earn(null, longAwarder, Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void An_expiry_that_is_not_in_the_future_is_invalid(int minutesFromNow)
    {
        var command = Earn(Guid.CreateVersion7(), 10, expiresAt: Given.Now.AddMinutes(minutesFromNow));

        PointsDecisions.Earn(null, command, Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void Reusing_a_lot_id_for_another_source_is_a_conflict()
    {
        var lot = Guid.CreateVersion7();
        var account = Given.Points(Earned(lot, 100, source: "video:1"));

        var decision = PointsDecisions.Earn(account, Earn(lot, 100, "video:2"), Given.Now);

        decision.Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void A_command_for_another_user_is_a_wiring_bug_and_throws()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100));
        var command = Earn(Guid.CreateVersion7(), 10, "video:2") with { UserId = Guid.CreateVersion7() };

        Should.Throw<ArgumentException>(() => PointsDecisions.Earn(account, command, Given.Now));
    }
}
