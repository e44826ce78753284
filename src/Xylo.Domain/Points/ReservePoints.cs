namespace Xylo.Domain.Points;

/// <summary>The first phase of a spend: points leave their lots into a hold until it is posted or voided.</summary>
public sealed record ReservePoints(Guid UserId, Guid HoldId, long Amount, string Purpose, DateTimeOffset HoldExpiresAt);

public static partial class PointsDecisions
{
    public static Decision Reserve(PointsAccount? account, ReservePoints command, DateTimeOffset now)
    {
        EnsureSameUser(account, command.UserId);
        if ((InvalidAmount(command.Amount) ?? MissingKey("purpose", command.Purpose)) is { } invalid) return Decision.Reject(invalid);

        if (account?.Holds.GetValueOrDefault(command.HoldId) is { } existing)
        {
            return existing.Amount == command.Amount
                ? Decision.Accept()
                : Decision.Reject(RejectionKind.Conflict, $"hold {command.HoldId} already exists for {existing.Amount} points");
        }

        if (command.HoldExpiresAt <= now) return Decision.Reject(RejectionKind.Invalid, "holdExpiresAt must be in the future");

        if (Allocate(account, command.Amount, now) is not { } allocations) return Insufficient(account, now);

        return Decision.Accept(new PointsReserved(
            command.UserId, command.HoldId, command.Amount, allocations, command.Purpose, now, command.HoldExpiresAt));
    }
}
