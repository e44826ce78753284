namespace Xylo.Domain.Points;

public static partial class PointsDecisions
{
    public const string TimeoutReason = "timeout";

    /// <summary>Voids every pending hold whose expiry has passed, oldest expiry first.</summary>
    public static Decision ReleaseStaleHolds(PointsAccount account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);

        return Decision.Accept([
            .. account.Holds.Values
                .Where(hold => hold.Status == HoldStatus.Pending && hold.ExpiresAt <= now)
                .OrderBy(hold => hold.ExpiresAt)
                .ThenBy(hold => hold.HoldId)
                .Select(hold => new PointsReleased(account.Id, hold.HoldId, hold.Amount, TimeoutReason, now)),
        ]);
    }
}
