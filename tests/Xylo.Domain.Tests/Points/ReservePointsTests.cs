using Shouldly;
using Xylo.Domain.Points;
using static Xylo.Domain.Tests.Points.PointsHistory;

namespace Xylo.Domain.Tests.Points;

public sealed class ReservePointsTests
{
    [Fact]
    public void Reserving_takes_first_from_the_lot_that_expires_first()
    {
        var (later, sooner, never) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(
            Earned(never, 100, expiresAt: null, earnedAt: Day(-30)),
            Earned(later, 100, expiresAt: Day(20), earnedAt: Day(-20)),
            Earned(sooner, 100, expiresAt: Day(5), earnedAt: Day(-10)));
        var hold = Guid.CreateVersion7();

        var decision = PointsDecisions.Reserve(account, Reserve(hold, 250, Given.Now.AddMinutes(15)), Given.Now);

        var reserved = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsReserved>();
        reserved.Allocations.ShouldBe([new LotAllocation(sooner, 100), new LotAllocation(later, 100), new LotAllocation(never, 50)]);
        reserved.ShouldBe(new PointsReserved(UserId, hold, 250, reserved.Allocations, "redeem", Given.Now, Given.Now.AddMinutes(15)));
    }

    [Fact]
    public void Lots_with_the_same_expiry_are_taken_oldest_first_then_by_lot_id()
    {
        var ids = new[] { Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7() };
        var (newer, olderHigh, olderLow) = (ids[0], ids.Skip(1).Max(), ids.Skip(1).Min());
        var account = Given.Points(
            Earned(newer, 10, expiresAt: Day(5), earnedAt: Day(-1)),
            Earned(olderHigh, 10, expiresAt: Day(5), earnedAt: Day(-2)),
            Earned(olderLow, 10, expiresAt: Day(5), earnedAt: Day(-2)));

        var decision = PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 25), Given.Now);

        decision.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsReserved>().Allocations
            .ShouldBe([new LotAllocation(olderLow, 10), new LotAllocation(olderHigh, 10), new LotAllocation(newer, 5)]);
    }

    [Fact]
    public void Reserving_moves_points_from_available_to_held()
    {
        var lot = Guid.CreateVersion7();
        var account = Given.Points(Earned(lot, 100));

        var decision = PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 40), Given.Now);

        var after = Given.Evolve(account, decision.Events)!;
        (after.Available, after.Held, after.Spent, after.Earned).ShouldBe((60L, 40L, 0L, 100L));
        after.Lots.ShouldHaveSingleItem().Remaining.ShouldBe(60);
    }

    [Fact]
    public void Reserving_more_than_available_is_rejected_with_the_available_balance()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100), Earned(Guid.CreateVersion7(), 50));

        var decision = PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 151), Given.Now);

        decision.Rejection.ShouldBe(new Rejection(RejectionKind.Conflict, "insufficient points: 150 available"));
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Reserving_everything_available_leaves_zero()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100), Earned(Guid.CreateVersion7(), 50));

        var decision = PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 150), Given.Now);

        Given.Evolve(account, decision.Events)!.Available.ShouldBe(0);
    }

    [Fact]
    public void Lots_past_their_expiry_are_not_reservable_before_the_expiry_job_runs()
    {
        var fresh = Guid.CreateVersion7();
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100, expiresAt: Day(-1)), Earned(fresh, 30));

        var tooMuch = PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 31), Given.Now);
        var enough = PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 30), Given.Now);

        (account.Available, account.AvailableAt(Given.Now)).ShouldBe((130L, 30L));
        tooMuch.Rejection.ShouldBe(new Rejection(RejectionKind.Conflict, "insufficient points: 30 available"));
        enough.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsReserved>().Allocations.ShouldBe([new LotAllocation(fresh, 30)]);
    }

    [Fact]
    public void A_lot_expiring_exactly_now_is_not_reservable()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100, expiresAt: Given.Now));

        PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 1), Given.Now)
            .Rejection.ShouldBe(new Rejection(RejectionKind.Conflict, "insufficient points: 0 available"));
    }

    [Fact]
    public void Reserving_without_an_account_is_rejected_as_insufficient()
    {
        PointsDecisions.Reserve(null, Reserve(Guid.CreateVersion7(), 1), Given.Now)
            .Rejection.ShouldBe(new Rejection(RejectionKind.Conflict, "insufficient points: 0 available"));
    }

    [Fact]
    public void Reserving_the_same_hold_again_appends_nothing()
    {
        var (lot, hold) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(Earned(lot, 100), Reserved(hold, Day(1), new LotAllocation(lot, 40)));

        var decision = PointsDecisions.Reserve(account, Reserve(hold, 40), Given.Now);

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Reserving_a_settled_hold_again_appends_nothing()
    {
        var (lot, hold) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(Earned(lot, 100), Reserved(hold, Day(-1), new LotAllocation(lot, 40)), Spent(hold, 40));

        var decision = PointsDecisions.Reserve(account, Reserve(hold, 40), Given.Now);

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Reserving_the_same_hold_with_another_amount_is_a_conflict()
    {
        var (lot, hold) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(Earned(lot, 100), Reserved(hold, Day(1), new LotAllocation(lot, 40)));

        var decision = PointsDecisions.Reserve(account, Reserve(hold, 41), Given.Now);

        decision.Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(PointsDecisions.MaxSingleAmount + 1)]
    public void Amounts_outside_one_to_the_maximum_are_invalid(long amount)
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100));

        PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), amount), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_hold_expiry_that_is_not_in_the_future_is_invalid(int minutesFromNow)
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100));

        var decision = PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 10, Given.Now.AddMinutes(minutesFromNow)), Given.Now);

        decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void A_purpose_is_required()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100));

        var decision = PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 10) with { Purpose = " " }, Given.Now);

        decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }
}
