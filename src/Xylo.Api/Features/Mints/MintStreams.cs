using JasperFx.Events;
using Marten;
using Xylo.Api.Features.Points;
using Xylo.Api.Features.Rewards;
using Xylo.Domain.Rewards;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// The streams besides its own that a mint writes to, opened under their transaction locks in the one order every
/// writer takes them: the reward, then the fan's points account. A request and the settlement of the same fan's earlier
/// mint wait for each other here instead of one failing with 409.
/// </summary>
public sealed record MintStreams(IEventStream<Reward>? Reward, LedgerAccount Account)
{
    /// <param name="rewardId">Null when the reward is not written to: it is then neither locked nor read.</param>
    public static async Task<MintStreams> OpenLockedAsync(IDocumentSession session, Guid? rewardId, Guid userId, CancellationToken cancellation)
    {
        var reward = rewardId is { } id ? await RewardStream.OpenLockedAsync(session, id, cancellation) : null;
        return new MintStreams(reward, await LedgerAccount.OpenLockedAsync(session, userId, cancellation));
    }
}
