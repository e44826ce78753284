namespace Xylo.Domain.Points;

/// <param name="Source">What earned the points (e.g. "youtube:comment:{id}"); an account awards each source once.</param>
public sealed record EarnPoints(Guid UserId, Guid LotId, long Amount, string Rule, string Source, string? Reason, string? AwardedBy, DateTimeOffset? ExpiresAt);

public static partial class PointsDecisions
{
    /// <summary>A null account means the user has no points stream yet: this earn opens it.</summary>
    public static Decision Earn(PointsAccount? account, EarnPoints command, DateTimeOffset now)
    {
        EnsureSameUser(account, command.UserId);
        if ((InvalidAmount(command.Amount) ?? MissingKey("rule", command.Rule) ?? MissingKey("source", command.Source)) is { } invalid)
        {
            return Decision.Reject(invalid);
        }

        if (command.Reason is { Length: > TextLimits.MaxReasonLength } || command.AwardedBy is { Length: > MaxKeyLength })
        {
            return Decision.Reject(RejectionKind.Invalid, $"reason must be at most {TextLimits.MaxReasonLength} characters, awardedBy at most {MaxKeyLength}");
        }

        // Before the expiry check: a redelivery after the points' expiry must still be a harmless no-op.
        if (account?.Sources.Contains(command.Source) == true) return Decision.Accept();

        if (command.ExpiresAt <= now) return Decision.Reject(RejectionKind.Invalid, "expiresAt must be in the future");

        if (account?.Lots.Exists(lot => lot.LotId == command.LotId) == true)
        {
            return Decision.Reject(RejectionKind.Conflict, $"lot {command.LotId} already exists for another source");
        }

        return Decision.Accept(new PointsEarned(
            command.UserId, command.LotId, command.Amount, command.Rule, command.Source, command.Reason, command.AwardedBy, now, command.ExpiresAt));
    }
}
