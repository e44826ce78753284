using Shouldly;
using Xylo.Domain.Points;
using static Xylo.Domain.Tests.Points.PointsHistory;

namespace Xylo.Domain.Tests.Points;

public sealed class ReleaseStaleHoldsTests
{
    [Fact]
    public void Pending_holds_past_their_expiry_are_released_for_timeout_oldest_first()
    {
        var lot = Guid.CreateVersion7();
        var (stale, staler, fresh) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(
            Earned(lot, 100),
            Reserved(stale, Given.Now, new LotAllocation(lot, 10)),
            Reserved(staler, Day(-1), new LotAllocation(lot, 20)),
            Reserved(fresh, Day(1), new LotAllocation(lot, 30)));

        var decision = PointsDecisions.ReleaseStaleHolds(account, Given.Now);

        decision.Events.ShouldBe([
            new PointsReleased(UserId, staler, 20, "timeout", Given.Now),
            new PointsReleased(UserId, stale, 10, "timeout", Given.Now),
        ]);
        var after = Given.Evolve(account, decision.Events)!;
        (after.Available, after.Held).ShouldBe((70L, 30L));
    }

    [Fact]
    public void Settled_holds_are_left_alone()
    {
        var lot = Guid.CreateVersion7();
        var (spent, released) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(
            Earned(lot, 100),
            Reserved(spent, Day(-2), new LotAllocation(lot, 10)),
            Spent(spent, 10),
            Reserved(released, Day(-2), new LotAllocation(lot, 20)),
            Released(released, 20));

        PointsDecisions.ReleaseStaleHolds(account, Given.Now).Events.ShouldBeEmpty();
    }
}
