namespace Xylo.Domain.Points;

public static partial class PointsDecisions
{
    /// <summary>
    /// Expires what is left of each lot due by <paramref name="now"/>, never "earned minus spent": points
    /// already taken from a lot are gone from its remainder, so they cannot be deducted a second time.
    /// Points held from a lot stay held; if the hold is released they return to the lot and the next run expires them.
    /// </summary>
    public static Decision ExpireLots(PointsAccount account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);

        return Decision.Accept([
            .. account.Lots
                .Where(lot => lot.Remaining > 0 && lot.IsExpiredAt(now))
                .Select(lot => new PointsExpired(account.Id, lot.LotId, lot.Remaining, now)),
        ]);
    }
}
