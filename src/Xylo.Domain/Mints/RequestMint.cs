using Xylo.Domain.Points;
using Xylo.Domain.Rewards;
using Xylo.Domain.Users;

namespace Xylo.Domain.Mints;

public sealed record RequestMint(Guid MintId, Guid UserId, Guid RewardId);

/// <summary>
/// What one accepted request appends in one transaction: the mint's stream and the fan's hold. The reward is never
/// written to here, so its buyers never queue on it: a limited supply is allotted afterwards, in log order, by the
/// signer (<see cref="MintDecisions.Allot"/>).
/// </summary>
public sealed record MintRequestAccepted(MintRequested Requested, PointsReserved Hold);

/// <summary>What <see cref="MintDecisions.Allot"/> appends: claims on the reward, and one event per mint (allotted, or failed as sold out).</summary>
public sealed record SupplyAllotment(IReadOnlyList<object> RewardEvents, IReadOnlyDictionary<Guid, object> MintEvents);

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
            RequestIdFor(command.MintId), now, SupplyUnlimited: reward.Supply is null, AwaitsSupply: reward.Supply is not null);
        return Decision<MintRequestAccepted>.Accept(new MintRequestAccepted(requested, hold), requested, hold);
    }

    /// <summary>
    /// A limited reward's units given in log order to the mints waiting for one (<paramref name="waiting"/>, in the order
    /// they were requested): each gets one while the supply lasts (<see cref="RewardSupplyClaimed"/> on the reward,
    /// <see cref="MintSupplyAllotted"/> on the mint); the ones after that fail as sold out (their hold is voided by the
    /// settlement, no unit to return). Never more units than the supply, whatever the number of requests accepted.
    /// </summary>
    public static Decision<SupplyAllotment> Allot(Reward reward, IReadOnlyList<Mint> waiting, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reward);
        var remaining = reward.Remaining ?? int.MaxValue;
        List<object> rewardEvents = [];
        Dictionary<Guid, object> mintEvents = [];
        foreach (var mint in waiting)
        {
            if (mint.RewardId != reward.Id) throw new ArgumentException($"mint {mint.Id} is for reward {mint.RewardId}, not {reward.Id}", nameof(waiting));
            if (!mint.AwaitsSupply || mint.Status != MintStatus.Queued || mintEvents.ContainsKey(mint.Id)) continue;

            if (remaining-- > 0)
            {
                rewardEvents.Add(new RewardSupplyClaimed(reward.Id, mint.Id, now));
                mintEvents[mint.Id] = new MintSupplyAllotted(mint.Id, reward.Id, now);
            }
            else
            {
                mintEvents[mint.Id] = new MintFailed(mint.Id, mint.UserId, $"reward {reward.Id} is sold out", now);
            }
        }

        return Decision<SupplyAllotment>.Accept(new SupplyAllotment(rewardEvents, mintEvents), [.. rewardEvents, .. mintEvents.Values]);
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
