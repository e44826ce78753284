using Shouldly;
using Xylo.Domain.Points;
using static Xylo.Domain.Tests.Points.PointsHistory;

namespace Xylo.Domain.Tests.Points;

public sealed class VoidHoldTests
{
    private static readonly Guid First = Guid.CreateVersion7();
    private static readonly Guid Second = Guid.CreateVersion7();
    private static readonly Guid Hold = Guid.CreateVersion7();

    private static PointsAccount HoldOverTwoLots() => Given.Points(
        Earned(First, 100, expiresAt: Day(5)),
        Earned(Second, 100),
        Reserved(Hold, Day(1), new LotAllocation(First, 100), new LotAllocation(Second, 20)));

    [Fact]
    public void Voiding_a_pending_hold_returns_its_points_to_the_lots_they_came_from()
    {
        var account = HoldOverTwoLots();

        var decision = PointsDecisions.Void(account, new VoidHold(UserId, Hold, "order cancelled"), Given.Now);

        decision.Events.ShouldBe([new PointsReleased(UserId, Hold, 120, "order cancelled", Given.Now)]);
        var after = Given.Evolve(account, decision.Events)!;
        after.Lots.Select(l => (l.LotId, l.Remaining)).ShouldBe([(First, 100L), (Second, 100L)]);
        (after.Available, after.Held, after.Spent).ShouldBe((200L, 0L, 0L));
        after.Holds[Hold].Status.ShouldBe(HoldStatus.Released);
    }

    [Fact]
    public void Voiding_a_hold_twice_releases_it_once()
    {
        var account = HoldOverTwoLots();
        var voided = Given.Evolve(account, PointsDecisions.Void(account, new VoidHold(UserId, Hold, "cancelled"), Given.Now).Events)!;

        var again = PointsDecisions.Void(voided, new VoidHold(UserId, Hold, "cancelled"), Given.Now);

        again.IsAccepted.ShouldBeTrue();
        again.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Voiding_a_spent_hold_is_a_conflict()
    {
        var account = Given.Evolve(HoldOverTwoLots(), [Spent(Hold, 120)])!;

        PointsDecisions.Void(account, new VoidHold(UserId, Hold, "cancelled"), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void Voiding_an_unknown_hold_is_not_found()
    {
        PointsDecisions.Void(HoldOverTwoLots(), new VoidHold(UserId, Guid.CreateVersion7(), "cancelled"), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.NotFound);
        PointsDecisions.Void(null, new VoidHold(UserId, Hold, "cancelled"), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.NotFound);
    }

    [Fact]
    public void Voiding_without_a_reason_is_invalid()
    {
        PointsDecisions.Void(HoldOverTwoLots(), new VoidHold(UserId, Hold, ""), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }
}
