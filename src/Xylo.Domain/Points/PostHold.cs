namespace Xylo.Domain.Points;

/// <summary>The second phase of a spend: the held points are spent.</summary>
public sealed record PostHold(Guid UserId, Guid HoldId);

public static partial class PointsDecisions
{
    /// <summary>
    /// A hold past its expiry that is still pending can be posted: its points never left the hold, and
    /// releasing it is the job's decision (<see cref="ReleaseStaleHolds"/>), not a race the caller loses.
    /// </summary>
    public static Decision Post(PointsAccount? account, PostHold command, DateTimeOffset now)
    {
        EnsureSameUser(account, command.UserId);
        if (account?.Holds.GetValueOrDefault(command.HoldId) is not { } hold)
        {
            return Decision.Reject(RejectionKind.NotFound, $"no hold {command.HoldId}");
        }

        return hold.Status switch
        {
            HoldStatus.Pending => Decision.Accept(new PointsSpent(account.Id, hold.HoldId, hold.Amount, now)),
            HoldStatus.Spent => Decision.Accept(),
            _ => Decision.Reject(RejectionKind.Conflict, $"hold {hold.HoldId} was released; it cannot be posted"),
        };
    }
}
