namespace Xylo.Domain.Points;

/// <summary>
/// Pure decisions over a <see cref="PointsAccount"/>; one file per command. Each must be appended with the
/// stream version it was decided on (FetchForWriting): that optimistic check is what stops two concurrent
/// debits from both spending the same points.
/// </summary>
public static partial class PointsDecisions
{
    public const long MaxSingleAmount = 1_000_000;

    /// <summary>Rules, sources and purposes are keys kept in the stream for ever; reasons are free text.</summary>
    public const int MaxKeyLength = 200;

    private static Rejection? InvalidAmount(long amount) =>
        amount is < 1 or > MaxSingleAmount
            ? new Rejection(RejectionKind.Invalid, $"amount must be between 1 and {MaxSingleAmount}")
            : null;

    private static Rejection? MissingKey(string name, string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Length > MaxKeyLength
            ? new Rejection(RejectionKind.Invalid, $"{name} is required (at most {MaxKeyLength} characters)")
            : TextLimits.Unstorable(name, value);

    private static void EnsureSameUser(PointsAccount? account, Guid userId)
    {
        // A command for another user's stream is a wiring bug at the edge, not a rejection to show the caller.
        if (account is not null && account.Id != userId)
        {
            throw new ArgumentException($"command for user {userId} was decided against points account {account.Id}", nameof(userId));
        }
    }

    /// <summary>
    /// Takes <paramref name="amount"/> from the lots spendable at <paramref name="now"/>, earliest expiry first
    /// (lots that never expire last, then oldest, then by id, so the order never depends on the list's order);
    /// null when they hold too little.
    /// </summary>
    private static LotAllocation[]? Allocate(PointsAccount? account, long amount, DateTimeOffset now)
    {
        if (account is null) return null;

        var spendable = account.Lots
            .Where(lot => lot.Remaining > 0 && !lot.IsExpiredAt(now))
            .OrderBy(lot => lot.ExpiresAt is null)
            .ThenBy(lot => lot.ExpiresAt)
            .ThenBy(lot => lot.EarnedAt)
            .ThenBy(lot => lot.LotId);

        var allocations = new List<LotAllocation>();
        var left = amount;
        foreach (var lot in spendable)
        {
            if (left == 0) break;

            var taken = Math.Min(left, lot.Remaining);
            allocations.Add(new LotAllocation(lot.LotId, taken));
            left -= taken;
        }

        return left == 0 ? [.. allocations] : null;
    }

    private static Decision Insufficient(PointsAccount? account, DateTimeOffset now) =>
        Decision.Reject(RejectionKind.Conflict, $"insufficient points: {account?.AvailableAt(now) ?? 0} available");
}
