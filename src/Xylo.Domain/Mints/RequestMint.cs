using Xylo.Domain.Points;
using Xylo.Domain.Rewards;
using Xylo.Domain.Users;

namespace Xylo.Domain.Mints;

public sealed record RequestMint(Guid MintId, Guid UserId, Guid RewardId);

/// <summary>
/// What one accepted request appends in one transaction: the mint's stream, the fan's hold and, for a reward with a
/// supply limit only, a unit of its supply (a reward without one is not written to, so its buyers never queue on it).
/// </summary>
public sealed record MintRequestAccepted(MintRequested Requested, PointsReserved Hold, RewardSupplyClaimed? Claim);

public static partial class MintDecisions
{
    /// <summary>
    /// The hold outlives any deferral: only the pipeline settles it (posted on confirmation, voided on
    /// failure), never the stale-hold job.
    /// </summary>
    public static readonly TimeSpan HoldLifetime = TimeSpan.FromDays(3650);

    public static Decision<MintRequestAccepted> Request(
        RequestMint command, User? user, Reward? reward, PointsAccount? account, DateTimeOffset now)
    {
        if (user is null) return Rejected(RejectionKind.NotFound, "no such user");
        if (user.Suspended) return Rejected(RejectionKind.Forbidden, "a suspended user cannot mint");
        if (user.Wallet is null) return Rejected(RejectionKind.Conflict, "link a wallet before minting (POST /me/wallet)");
        if (reward is null) return Rejected(RejectionKind.NotFound, $"no reward {command.RewardId}");
        if (reward.Retired) return Rejected(RejectionKind.Conflict, $"reward {reward.Id} is retired");
        if (reward.AvailableFrom > now) return Rejected(RejectionKind.Conflict, $"reward {reward.Id} is available from {reward.AvailableFrom:O}");
        if (reward.AvailableUntil <= now) return Rejected(RejectionKind.Conflict, $"reward {reward.Id} was available until {reward.AvailableUntil:O}");
        if (reward.Remaining is <= 0) return Rejected(RejectionKind.Conflict, $"reward {reward.Id} is sold out");

        var reserve = PointsDecisions.Reserve(account,
            new ReservePoints(command.UserId, command.MintId, reward.Cost, $"mint:{command.MintId}", now + HoldLifetime), now);
        if (reserve.Rejection is { } refused) return Decision<MintRequestAccepted>.Refused(refused);
        if (reserve.Events.SingleOrDefault() is not PointsReserved hold) return Rejected(RejectionKind.Conflict, $"mint {command.MintId} was already requested");

        var requested = new MintRequested(command.MintId, command.UserId, reward.Id, user.Wallet, reward.MetadataUri, reward.Cost,
            RequestIdFor(command.MintId), now, SupplyUnlimited: reward.Supply is null);
        if (reward.Supply is null) return Decision<MintRequestAccepted>.Accept(new MintRequestAccepted(requested, hold, null), requested, hold);

        var claim = new RewardSupplyClaimed(reward.Id, command.MintId, now);
        return Decision<MintRequestAccepted>.Accept(new MintRequestAccepted(requested, hold, claim), requested, hold, claim);
    }

    /// <summary>The contract's request id: the mint id's 16 bytes, left-padded to bytes32, so a chain log names its mint.</summary>
    public static string RequestIdFor(Guid mintId) => "0x" + new string('0', 32) + mintId.ToString("N");

    public static Guid? MintIdFor(string requestId) =>
        requestId.Length == 66 && requestId.StartsWith("0x" + new string('0', 32), StringComparison.OrdinalIgnoreCase)
        && Guid.TryParseExact(requestId[34..], "N", out var id)
            ? id
            : null;

    private static Decision<MintRequestAccepted> Rejected(RejectionKind kind, string message) => Decision<MintRequestAccepted>.Reject(kind, message);
}
