namespace Xylo.Domain.Points;

public enum RuleKind
{
    SignUp,
    ChannelVerified,
    DailyCheckIn,
    Referral,
    VaultDeposit,
    AdminAward,
}

/// <summary>Channel-verified bonus by size: the highest tier whose minimum the channel reaches.</summary>
public sealed record SubscriberTier(long MinSubscribers, long Amount);

/// <summary>
/// An earning rule is data an admin manages: how much, for how long the points live, and the limits
/// (per user per UTC day, a global budget, an active window).
/// </summary>
/// <param name="Amount">Points per award; for a vault deposit, points per whole unit deposited.</param>
/// <param name="StreakEvery">Daily check-in: every Nth consecutive day also earns <paramref name="StreakBonus"/>.</param>
public sealed record EarningRule(
    string Id,
    RuleKind Kind,
    long Amount,
    IReadOnlyList<SubscriberTier> Tiers,
    int? StreakEvery,
    long? StreakBonus,
    int? ExpiryDays,
    long? PerUserDailyCap,
    long? GlobalBudget,
    DateTimeOffset? ActiveFrom,
    DateTimeOffset? ActiveUntil,
    bool Enabled)
{
    public const string SignUpId = "signup";
    public const string ChannelVerifiedId = "channel-verified";
    public const string DailyCheckInId = "daily-checkin";
    public const string CheckInStreakRule = "daily-checkin-streak";
    public const string ReferralId = "referral";
    public const string VaultDepositId = "vault-deposit";
    public const string AdminAwardId = "admin-award";

    /// <summary>What a fresh installation starts with; admins change them through <c>/admin/rules</c>.</summary>
    public static readonly IReadOnlyList<EarningRule> Defaults =
    [
        new(SignUpId, RuleKind.SignUp, 100, [], null, null, 365, null, null, null, null, true),
        new(ChannelVerifiedId, RuleKind.ChannelVerified, 200,
            [new(0, 200), new(1_000, 500), new(10_000, 1_000), new(100_000, 2_000)], null, null, 365, null, null, null, null, true),
        new(DailyCheckInId, RuleKind.DailyCheckIn, 10, [], 7, 50, 90, null, null, null, null, true),
        new(ReferralId, RuleKind.Referral, 100, [], null, null, 365, 1_000, null, null, null, true),
        new(VaultDepositId, RuleKind.VaultDeposit, 10, [], null, null, 365, 10_000, null, null, null, true),
        new(AdminAwardId, RuleKind.AdminAward, 0, [], null, null, null, null, null, null, null, true),
    ];

    public DateTimeOffset? ExpiresAt(DateTimeOffset now) => ExpiryDays is { } days ? now.AddDays(days) : null;

    public bool IsActive(DateTimeOffset now) =>
        Enabled && (ActiveFrom is null || ActiveFrom <= now) && (ActiveUntil is null || now < ActiveUntil);

    public long TierAmount(long subscribers) =>
        Tiers.Where(t => subscribers >= t.MinSubscribers).OrderByDescending(t => t.MinSubscribers).Select(t => t.Amount).FirstOrDefault(Amount);
}
