using Shouldly;
using Xylo.Domain.Users;

namespace Xylo.Domain.Tests.Users;

public sealed class SuspensionTests
{
    [Fact]
    public void Suspending_records_the_reason_and_who()
    {
        var user = Given.User();

        var decision = Suspension.Decide(user, new SuspendUser(user.Id, " spam ", "admin-1"), Given.Now);

        decision.Events.ShouldBe([new UserSuspended(user.Id, "spam", "admin-1", Given.Now)]);
    }

    [Fact]
    public void Suspending_needs_a_reason()
    {
        var user = Given.User();

        Suspension.Decide(user, new SuspendUser(user.Id, "  ", "admin-1"), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void An_admin_cannot_suspend_themselves()
    {
        var user = Given.User();

        Suspension.Decide(user, new SuspendUser(user.Id, "oops", user.Id.ToString()), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void Suspending_twice_and_reinstating_an_active_user_append_nothing()
    {
        var id = Guid.CreateVersion7();
        var suspended = Given.User(id, new UserSuspended(id, "spam", "admin-1", Given.Now));

        Suspension.Decide(suspended, new SuspendUser(id, "again", "admin-1"), Given.Now).Events.ShouldBeEmpty();
        Suspension.Decide(Given.User(), new ReinstateUser(id, "admin-1"), Given.Now).Events.ShouldBeEmpty();
    }

    [Fact]
    public void Reinstating_a_suspended_user_lifts_the_suspension()
    {
        var id = Guid.CreateVersion7();
        var suspended = Given.User(id, new UserSuspended(id, "spam", "admin-1", Given.Now));

        var reinstated = Suspension.Decide(suspended, new ReinstateUser(id, "admin-1"), Given.Now).Events.ShouldHaveSingleItem().ShouldBeOfType<UserReinstated>();

        suspended.Apply(reinstated).Suspended.ShouldBeFalse();
    }
}
