using Shouldly;
using Xylo.Domain.Points;
using static Xylo.Domain.Tests.Points.PointsHistory;

namespace Xylo.Domain.Tests.Points;

/// <summary>Apply refuses inconsistent events, so a bad append fails instead of corrupting the balance.</summary>
public sealed class PointsAccountTests
{
    private static readonly Guid Lot = Guid.CreateVersion7();
    private static readonly Guid Hold = Guid.CreateVersion7();

    [Fact]
    public void Every_point_earned_is_available_held_spent_or_expired()
    {
        var other = Guid.CreateVersion7();
        var account = Given.Points(
            Earned(Lot, 100, expiresAt: Day(-1)),
            Earned(other, 100),
            Reserved(Hold, Day(1), new LotAllocation(Lot, 30), new LotAllocation(other, 10)),
            Deducted("admin:1", new LotAllocation(other, 5)),
            new PointsExpired(UserId, Lot, 70, Given.Now));

        (account.Earned, account.Available, account.Held, account.Spent, account.Expired).ShouldBe((200L, 85L, 40L, 5L, 70L));
        (account.Available + account.Held + account.Spent + account.Expired).ShouldBe(account.Earned);
    }

    [Fact]
    public void An_allocation_beyond_a_lots_remainder_is_refused()
    {
        var account = Given.Points(Earned(Lot, 100));

        Should.Throw<InvalidOperationException>(() => account.Apply(Reserved(Hold, Day(1), new LotAllocation(Lot, 101))))
            .Message.ShouldContain(UserId.ToString());
    }

    [Fact]
    public void Expiring_more_than_a_lots_remainder_is_refused()
    {
        var account = Given.Points(Earned(Lot, 100), Deducted("admin:1", new LotAllocation(Lot, 60)));

        Should.Throw<InvalidOperationException>(() => account.Apply(new PointsExpired(UserId, Lot, 41, Given.Now)));
    }

    [Fact]
    public void An_allocation_from_an_unknown_lot_is_refused()
    {
        var account = Given.Points(Earned(Lot, 100));

        Should.Throw<InvalidOperationException>(() => account.Apply(Deducted("admin:1", new LotAllocation(Guid.CreateVersion7(), 1))));
    }

    [Fact]
    public void A_hold_settled_twice_is_refused()
    {
        var account = Given.Points(Earned(Lot, 100), Reserved(Hold, Day(1), new LotAllocation(Lot, 40)), Spent(Hold, 40));

        Should.Throw<InvalidOperationException>(() => account.Apply(Spent(Hold, 40)));
        Should.Throw<InvalidOperationException>(() => account.Apply(Released(Hold, 40)));
    }

    [Fact]
    public void A_hold_reserved_twice_is_refused()
    {
        var account = Given.Points(Earned(Lot, 100), Reserved(Hold, Day(1), new LotAllocation(Lot, 40)));

        Should.Throw<InvalidOperationException>(() => account.Apply(Reserved(Hold, Day(1), new LotAllocation(Lot, 40))));
    }
}
