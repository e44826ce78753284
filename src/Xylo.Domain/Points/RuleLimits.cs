namespace Xylo.Domain.Points;

public static class RuleLimits
{
    /// <summary>
    /// Applies the rule's window, the user's cap for this UTC day (counting what the account already
    /// earned under the rule today) and what is left of the global budget. A partial award is allowed:
    /// the cap trims it rather than refusing it. The value is the amount allowed.
    /// </summary>
    public static Decision<long> Allow(EarningRule rule, PointsAccount? account, long wanted, long budgetUsed, DateTimeOffset now)
    {
        if (!rule.IsActive(now)) return Refuse($"rule {rule.Id} is not active");
        if (wanted <= 0) return Refuse("nothing to award");

        var amount = wanted;
        if (rule.PerUserDailyCap is { } cap)
        {
            var today = now.UtcDateTime.Date;
            var earnedToday = account?.Lots.Where(l => l.Rule == rule.Id && l.EarnedAt.UtcDateTime.Date == today).Sum(l => l.Amount) ?? 0;
            amount = Math.Min(amount, cap - earnedToday);
            if (amount <= 0) return Refuse($"daily cap of {cap} for {rule.Id} reached");
        }

        if (rule.GlobalBudget is { } budget)
        {
            amount = Math.Min(amount, budget - budgetUsed);
            if (amount <= 0) return Refuse($"the budget of {rule.Id} is spent");
        }

        return Decision<long>.Accept(amount);
    }

    private static Decision<long> Refuse(string why) => Decision<long>.Reject(RejectionKind.Unprocessable, why);

    /// <summary>Consecutive UTC days with a check-in, ending today (today's check-in included).</summary>
    public static int StreakIncluding(PointsAccount? account, DateOnly today)
    {
        var days = account?.Lots.Where(l => l.Rule == EarningRule.DailyCheckInId)
            .Select(l => DateOnly.FromDateTime(l.EarnedAt.UtcDateTime)).ToHashSet() ?? [];
        var streak = 1;
        for (var day = today.AddDays(-1); days.Contains(day); day = day.AddDays(-1)) streak++;
        return streak;
    }
}
