using Xylo.Domain.Users;

namespace Xylo.Domain.Points;

/// <summary>Who may earn, and how much a rule gives: every check an earning passes before its points are credited.</summary>
public static class EarningDecisions
{
    public const string SuspendedCannotEarn = "a suspended user cannot earn points";

    /// <summary>A suspended user earns nothing; a user whose stream is not there yet is not refused here.</summary>
    public static Decision CanEarn(User? user) =>
        user is { Suspended: true } ? Decision.Reject(RejectionKind.Forbidden, SuspendedCannotEarn) : Decision.Accept();

    /// <summary>One entry of an admin or integration award, checked before its rule and account are.</summary>
    public static Decision CanAward(Guid? userId, User? user, long? amount, string? reason)
    {
        if (userId is null) return Invalid("userId is required");
        if (amount is not { } wanted || wanted <= 0) return Invalid("amount must be a positive whole number");
        if (wanted > PointsDecisions.MaxSingleAmount) return Invalid($"amount is above the {PointsDecisions.MaxSingleAmount:N0} limit for one award");
        if (TextLimits.MissingReason(reason) is { } missing) return Decision.Reject(missing);
        if (user is null) return Decision.Reject(RejectionKind.NotFound, $"no user {userId}");
        return user.Suspended ? Decision.Reject(RejectionKind.Forbidden, "the user is suspended") : Decision.Accept();
    }

    /// <summary>
    /// Credits <paramref name="wanted"/> points under <paramref name="rule"/>: nothing when the source was credited
    /// before (replays and redeliveries change nothing), else the rule's window, the user's daily cap and the rule's
    /// budget (<paramref name="budgetUsed"/> so far) trim or refuse it, then the account's own <see cref="PointsDecisions.Earn"/>.
    /// Accepted with a <see cref="PointsEarned"/> when points are credited, with no event when the source already was.
    /// </summary>
    /// <param name="ruleName">The rule the lot is recorded under, when it differs from the rule's id (a check-in streak bonus).</param>
    public static Decision Award(EarningRule rule, PointsAccount? account, Guid userId, Guid lotId, long wanted, string source,
        string? reason, string? awardedBy, long budgetUsed, DateTimeOffset now, string? ruleName = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (account?.Sources.Contains(source) == true) return Decision.Accept();

        var allowance = RuleLimits.Allow(rule, account, wanted, budgetUsed, now);
        if (allowance.Rejection is { } refused) return Decision.Reject(refused);

        return PointsDecisions.Earn(account,
            new EarnPoints(userId, lotId, allowance.Value, ruleName ?? rule.Id, source, reason, awardedBy, rule.ExpiresAt(now)), now);
    }

    private static Decision Invalid(string message) => Decision.Reject(RejectionKind.Invalid, message);
}
