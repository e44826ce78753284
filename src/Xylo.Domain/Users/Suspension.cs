namespace Xylo.Domain.Users;

public sealed record SuspendUser(Guid UserId, string Reason, string SuspendedBy);

public sealed record ReinstateUser(Guid UserId, string ReinstatedBy);

public static class Suspension
{
    public static Decision Decide(User user, SuspendUser command, DateTimeOffset now)
    {
        if (TextLimits.MissingReason(command.Reason) is { } invalid) return Decision.Reject(invalid);

        if (command.SuspendedBy == user.Id.ToString())
        {
            return Decision.Reject(RejectionKind.Conflict, "an admin cannot suspend themselves");
        }

        return user.Suspended
            ? Decision.Accept()
            : Decision.Accept(new UserSuspended(user.Id, command.Reason.Trim(), command.SuspendedBy, now));
    }

    public static Decision Decide(User user, ReinstateUser command, DateTimeOffset now) =>
        user.Suspended
            ? Decision.Accept(new UserReinstated(user.Id, command.ReinstatedBy, now))
            : Decision.Accept();
}
