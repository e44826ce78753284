using Shouldly;
using Xylo.Domain.Points;
using static Xylo.Domain.Tests.Points.PointsHistory;

namespace Xylo.Domain.Tests.Points;

public sealed class PostHoldTests
{
    private static readonly Guid Lot = Guid.CreateVersion7();
    private static readonly Guid Hold = Guid.CreateVersion7();

    private static PointsAccount PendingHold(DateTimeOffset expiresAt) =>
        Given.Points(Earned(Lot, 100), Reserved(Hold, expiresAt, new LotAllocation(Lot, 40)));

    [Fact]
    public void Posting_a_pending_hold_spends_its_points()
    {
        var account = PendingHold(Day(1));

        var decision = PointsDecisions.Post(account, new PostHold(UserId, Hold), Given.Now);

        decision.Events.ShouldBe([new PointsSpent(UserId, Hold, 40, Given.Now)]);
        var after = Given.Evolve(account, decision.Events)!;
        (after.Available, after.Held, after.Spent).ShouldBe((60L, 0L, 40L));
        after.Holds[Hold].Status.ShouldBe(HoldStatus.Spent);
    }

    [Fact]
    public void Posting_a_hold_twice_spends_it_once()
    {
        var account = PendingHold(Day(1));
        var posted = Given.Evolve(account, PointsDecisions.Post(account, new PostHold(UserId, Hold), Given.Now).Events)!;

        var again = PointsDecisions.Post(posted, new PostHold(UserId, Hold), Given.Now);

        again.IsAccepted.ShouldBeTrue();
        again.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Posting_a_released_hold_is_a_conflict()
    {
        var account = Given.Points(Earned(Lot, 100), Reserved(Hold, Day(1), new LotAllocation(Lot, 40)), Released(Hold, 40));

        var decision = PointsDecisions.Post(account, new PostHold(UserId, Hold), Given.Now);

        decision.Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void Posting_an_unknown_hold_is_not_found()
    {
        PointsDecisions.Post(PendingHold(Day(1)), new PostHold(UserId, Guid.CreateVersion7()), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.NotFound);
        PointsDecisions.Post(null, new PostHold(UserId, Hold), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.NotFound);
    }

    [Fact]
    public void A_hold_past_its_expiry_that_the_job_has_not_released_can_still_be_posted()
    {
        var account = PendingHold(Day(-1));

        var decision = PointsDecisions.Post(account, new PostHold(UserId, Hold), Given.Now);

        decision.Events.ShouldBe([new PointsSpent(UserId, Hold, 40, Given.Now)]);
    }

    [Fact]
    public void A_hold_released_by_the_job_can_no_longer_be_posted()
    {
        var account = PendingHold(Day(-1));
        var released = Given.Evolve(account, PointsDecisions.ReleaseStaleHolds(account, Given.Now).Events)!;

        PointsDecisions.Post(released, new PostHold(UserId, Hold), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }
}
