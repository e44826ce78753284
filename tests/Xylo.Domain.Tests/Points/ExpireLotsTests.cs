using Shouldly;
using Xylo.Domain.Points;
using static Xylo.Domain.Tests.Points.PointsHistory;

namespace Xylo.Domain.Tests.Points;

public sealed class ExpireLotsTests
{
    [Fact]
    public void Expiring_removes_what_is_left_of_each_lot_that_is_due()
    {
        var (due, dueNow, later, never) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(
            Earned(due, 100, expiresAt: Day(-1)),
            Earned(dueNow, 20, expiresAt: Given.Now),
            Earned(later, 100, expiresAt: Day(1)),
            Earned(never, 100));

        var decision = PointsDecisions.ExpireLots(account, Given.Now);

        decision.Events.ShouldBe([new PointsExpired(UserId, due, 100, Given.Now), new PointsExpired(UserId, dueNow, 20, Given.Now)]);
        var after = Given.Evolve(account, decision.Events)!;
        (after.Available, after.Expired, after.Earned).ShouldBe((200L, 120L, 320L));
    }

    [Fact]
    public void Expiry_after_partial_spending_removes_only_the_remainder()
    {
        var lot = Guid.CreateVersion7();
        var account = Given.Points(Earned(lot, 100, expiresAt: Day(1)), Deducted("admin:1", new LotAllocation(lot, 30)));

        var decision = PointsDecisions.ExpireLots(account, Day(1));

        decision.Events.ShouldBe([new PointsExpired(UserId, lot, 70, Day(1))]);
        var after = Given.Evolve(account, decision.Events)!;
        (after.Available, after.Spent, after.Expired).ShouldBe((0L, 30L, 70L));
    }

    /// <summary>
    /// The classic loyalty bug: expiring "unexpired credits minus all debits" counts the spend against the
    /// expiring lot a second time. Spending took lot 1 first, so nothing of it is left to expire.
    /// </summary>
    [Fact]
    public void Spent_points_are_never_deducted_again_by_expiry()
    {
        var (expiring, lasting) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(Earned(expiring, 100, expiresAt: Day(1)), Earned(lasting, 100));
        var hold = Guid.CreateVersion7();
        account = Given.Evolve(account, PointsDecisions.Reserve(account, Reserve(hold, 150), Given.Now).Events)!;
        account = Given.Evolve(account, PointsDecisions.Post(account, new PostHold(UserId, hold), Given.Now).Events)!;
        account.Lots.Select(l => (l.LotId, l.Remaining)).ShouldBe([(expiring, 0L), (lasting, 50L)]);

        var decision = PointsDecisions.ExpireLots(account, Day(1));

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.ShouldBeEmpty();
        (account.Available, account.Spent, account.Expired).ShouldBe((50L, 150L, 0L));
    }

    [Fact]
    public void Held_points_stay_held_when_their_lot_expires()
    {
        var (lot, hold) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(Earned(lot, 100, expiresAt: Day(1)), Reserved(hold, Day(2), new LotAllocation(lot, 60)));

        var decision = PointsDecisions.ExpireLots(account, Day(1));

        decision.Events.ShouldBe([new PointsExpired(UserId, lot, 40, Day(1))]);
        var after = Given.Evolve(account, decision.Events)!;
        (after.Available, after.Held, after.Expired).ShouldBe((0L, 60L, 40L));
        PointsDecisions.Post(after, new PostHold(UserId, hold), Day(1)).Events.ShouldBe([new PointsSpent(UserId, hold, 60, Day(1))]);
    }

    [Fact]
    public void A_hold_released_after_its_lot_expired_is_expired_by_the_next_run_and_not_before()
    {
        var (lot, hold) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var account = Given.Points(Earned(lot, 100, expiresAt: Day(1)));
        account = Given.Evolve(account, PointsDecisions.Reserve(account, Reserve(hold, 60, Day(2)), Given.Now).Events)!;
        account = Given.Evolve(account, PointsDecisions.ExpireLots(account, Day(1)).Events)!;

        var release = PointsDecisions.ReleaseStaleHolds(account, Day(2));
        account = Given.Evolve(account, release.Events)!;

        release.Events.ShouldBe([new PointsReleased(UserId, hold, 60, PointsDecisions.TimeoutReason, Day(2))]);
        (account.Available, account.AvailableAt(Day(2)), account.Held, account.Expired).ShouldBe((60L, 0L, 0L, 40L));
        PointsDecisions.Reserve(account, Reserve(Guid.CreateVersion7(), 1, Day(3)), Day(2)).Rejection!.Message.ShouldBe("insufficient points: 0 available");

        var expire = PointsDecisions.ExpireLots(account, Day(2));
        account = Given.Evolve(account, expire.Events)!;

        expire.Events.ShouldBe([new PointsExpired(UserId, lot, 60, Day(2))]);
        (account.Available, account.Expired, account.Earned).ShouldBe((0L, 100L, 100L));
    }

    [Fact]
    public void Expiring_twice_expires_once()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100, expiresAt: Day(-1)));
        var expired = Given.Evolve(account, PointsDecisions.ExpireLots(account, Given.Now).Events)!;

        PointsDecisions.ExpireLots(expired, Given.Now).Events.ShouldBeEmpty();
        expired.Expired.ShouldBe(100);
    }

    [Fact]
    public void Lots_not_yet_due_are_kept()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 100, expiresAt: Day(1)), Earned(Guid.CreateVersion7(), 100));

        PointsDecisions.ExpireLots(account, Given.Now).Events.ShouldBeEmpty();
    }
}
