namespace Xylo.Domain.Points;

/// <summary>A negative adjustment by an admin, in one step; counted as spent.</summary>
/// <param name="Source">The adjustment's idempotency key (e.g. "admin:ticket:{id}"); shares the namespace of earn sources.</param>
public sealed record DeductPoints(Guid UserId, long Amount, string Reason, string DeductedBy, string Source);

public static partial class PointsDecisions
{
    public static Decision Deduct(PointsAccount? account, DeductPoints command, DateTimeOffset now)
    {
        EnsureSameUser(account, command.UserId);
        var invalid = InvalidAmount(command.Amount)
            ?? TextLimits.MissingReason(command.Reason)
            ?? MissingKey("deductedBy", command.DeductedBy)
            ?? MissingKey("source", command.Source);
        if (invalid is not null) return Decision.Reject(invalid);

        if (account?.Sources.Contains(command.Source) == true) return Decision.Accept();

        if (Allocate(account, command.Amount, now) is not { } allocations) return Insufficient(account, now);

        return Decision.Accept(new PointsDeducted(
            command.UserId, command.Amount, allocations, command.Reason, command.DeductedBy, command.Source, now));
    }
}
