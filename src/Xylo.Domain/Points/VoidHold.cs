namespace Xylo.Domain.Points;

/// <summary>Cancels a spend: the held points go back to the lots they came from.</summary>
public sealed record VoidHold(Guid UserId, Guid HoldId, string Reason);

public static partial class PointsDecisions
{
    public static Decision Void(PointsAccount? account, VoidHold command, DateTimeOffset now)
    {
        EnsureSameUser(account, command.UserId);
        if (TextLimits.MissingReason(command.Reason) is { } invalid) return Decision.Reject(invalid);

        if (account?.Holds.GetValueOrDefault(command.HoldId) is not { } hold)
        {
            return Decision.Reject(RejectionKind.NotFound, $"no hold {command.HoldId}");
        }

        return hold.Status switch
        {
            HoldStatus.Pending => Decision.Accept(new PointsReleased(account.Id, hold.HoldId, hold.Amount, command.Reason, now)),
            HoldStatus.Released => Decision.Accept(),
            _ => Decision.Reject(RejectionKind.Conflict, $"hold {hold.HoldId} was spent; it cannot be voided"),
        };
    }
}
