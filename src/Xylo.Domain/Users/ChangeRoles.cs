namespace Xylo.Domain.Users;

public sealed record GrantRole(Guid UserId, string Role, string GrantedBy);

public sealed record RevokeRole(Guid UserId, string Role, string RevokedBy);

public static class ChangeRoles
{
    /// <summary>Granting a held role appends nothing: retries are harmless.</summary>
    public static Decision Decide(User user, GrantRole command, DateTimeOffset now)
    {
        if (!Roles.IsGrantable(command.Role))
        {
            return Decision.Reject(RejectionKind.Invalid, $"role must be one of: {string.Join(", ", Roles.Grantable)}");
        }

        return user.Roles.Contains(command.Role)
            ? Decision.Accept()
            : Decision.Accept(new RoleGranted(user.Id, command.Role, command.GrantedBy, now));
    }

    public static Decision Decide(User user, RevokeRole command, DateTimeOffset now)
    {
        if (!Roles.IsGrantable(command.Role))
        {
            return Decision.Reject(RejectionKind.Invalid, $"role must be one of: {string.Join(", ", Roles.Grantable)}");
        }

        return user.Roles.Contains(command.Role)
            ? Decision.Accept(new RoleRevoked(user.Id, command.Role, command.RevokedBy, now))
            : Decision.Accept();
    }
}
