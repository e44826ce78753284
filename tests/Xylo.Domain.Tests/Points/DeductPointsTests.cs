using Shouldly;
using Xylo.Domain.Points;
using static Xylo.Domain.Tests.Points.PointsHistory;

namespace Xylo.Domain.Tests.Points;

public sealed class DeductPointsTests
{
    [Fact]
    public void Deducting_takes_from_the_lots_that_expire_first_and_counts_as_spent()
    {
        var (never, soon) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(Earned(never, 100), Earned(soon, 50, expiresAt: Day(3)));

        var decision = PointsDecisions.Deduct(account, Deduct(70), Given.Now);

        var deducted = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsDeducted>();
        deducted.Allocations.ShouldBe([new LotAllocation(soon, 50), new LotAllocation(never, 20)]);
        deducted.ShouldBe(new PointsDeducted(UserId, 70, deducted.Allocations, "fraud", "admin-1", "admin:ticket:1", Given.Now));
        var after = account.Apply(deducted);
        (after.Available, after.Held, after.Spent, after.Earned).ShouldBe((80L, 0L, 70L, 150L));
    }

    [Fact]
    public void Deducting_from_the_same_source_twice_deducts_once()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100));
        var once = Given.Evolve(account, PointsDecisions.Deduct(account, Deduct(30), Given.Now).Events)!;

        var again = PointsDecisions.Deduct(once, Deduct(30), Given.Now);

        again.IsAccepted.ShouldBeTrue();
        again.Events.ShouldBeEmpty();
        once.Available.ShouldBe(70);
    }

    [Fact]
    public void Deducting_more_than_available_is_rejected_and_never_overdraws()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100), Earned(Guid.CreateVersion7(), 100, expiresAt: Day(-1)));

        var decision = PointsDecisions.Deduct(account, Deduct(101), Given.Now);

        decision.Rejection.ShouldBe(new Rejection(RejectionKind.Conflict, "insufficient points: 100 available"));
    }

    [Fact]
    public void Deducting_without_an_account_is_rejected_as_insufficient()
    {
        PointsDecisions.Deduct(null, Deduct(1), Given.Now).Rejection.ShouldBe(new Rejection(RejectionKind.Conflict, "insufficient points: 0 available"));
    }

    [Fact]
    public void Held_points_cannot_be_deducted()
    {
        var (lot, hold) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(Earned(lot, 100), Reserved(hold, Day(1), new LotAllocation(lot, 80)));

        PointsDecisions.Deduct(account, Deduct(21), Given.Now).Rejection!.Message.ShouldBe("insufficient points: 20 available");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    [InlineData(PointsDecisions.MaxSingleAmount + 1)]
    public void Amounts_outside_one_to_the_maximum_are_invalid(long amount)
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100));

        PointsDecisions.Deduct(account, Deduct(amount), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Theory]
    [InlineData("", "admin-1", "admin:ticket:1")]
    [InlineData("fraud", "", "admin:ticket:1")]
    [InlineData("fraud", "admin-1", " ")]
    public void Reason_author_and_source_are_required(string reason, string deductedBy, string source)
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100));

        var decision = PointsDecisions.Deduct(account, new DeductPoints(UserId, 10, reason, deductedBy, source), Given.Now);

        decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }
}
