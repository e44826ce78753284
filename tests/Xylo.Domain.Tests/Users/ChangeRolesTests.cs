using Shouldly;
using Xylo.Domain.Users;

namespace Xylo.Domain.Tests.Users;

public sealed class ChangeRolesTests
{
    [Fact]
    public void Granting_a_role_appends_role_granted()
    {
        var user = Given.User();

        var decision = ChangeRoles.Decide(user, new GrantRole(user.Id, Roles.Admin, "bootstrap"), Given.Now);

        decision.Events.ShouldBe([new RoleGranted(user.Id, Roles.Admin, "bootstrap", Given.Now)]);
    }

    [Fact]
    public void Granting_a_held_role_appends_nothing()
    {
        var id = Guid.CreateVersion7();
        var user = Given.User(id, new RoleGranted(id, Roles.Auditor, "admin-1", Given.Now));

        var decision = ChangeRoles.Decide(user, new GrantRole(id, Roles.Auditor, "admin-2"), Given.Now);

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("user")]
    [InlineData("superuser")]
    [InlineData("")]
    public void Only_admin_and_auditor_can_be_granted(string role)
    {
        var user = Given.User();

        var decision = ChangeRoles.Decide(user, new GrantRole(user.Id, role, "admin-1"), Given.Now);

        decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void Revoking_a_held_role_appends_role_revoked_and_the_state_drops_it()
    {
        var id = Guid.CreateVersion7();
        var user = Given.User(id, new RoleGranted(id, Roles.Admin, "bootstrap", Given.Now));

        var decision = ChangeRoles.Decide(user, new RevokeRole(id, Roles.Admin, "admin-2"), Given.Now);

        var revoked = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<RoleRevoked>();
        user.Apply(revoked).Roles.ShouldBe([Roles.User]);
    }

    [Fact]
    public void Revoking_a_role_not_held_appends_nothing()
    {
        var user = Given.User();

        ChangeRoles.Decide(user, new RevokeRole(user.Id, Roles.Admin, "admin-2"), Given.Now).Events.ShouldBeEmpty();
    }
}
