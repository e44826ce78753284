using JasperFx.Events;
using Marten;
using Xylo.Api.Features.Points;
using Xylo.Api.Hosting;
using Xylo.Domain.Points;
using Xylo.Domain.Rewards;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// The streams besides its own that a mint writes to, opened under their transaction locks in the one order every
/// writer takes them: the reward, then the fan's points account. A request and the settlement of the same fan's earlier
/// mint wait for each other here instead of one failing with 409. (Marten's FetchForExclusiveWriting still let concurrent
/// appends to a reward conflict.)
/// </summary>
public sealed record MintStreams(IEventStream<Reward>? Reward, LedgerAccount Account)
{
    /// <summary>
    /// Both locks in one statement, then both streams in one batch query: two round trips, whatever is locked.
    /// </summary>
    /// <param name="rewardId">Null when the reward is not written to (its supply is unlimited, or a confirmation): it is then neither locked nor read.</param>
    public static async Task<MintStreams> OpenLockedAsync(IDocumentSession session, Guid? rewardId, Guid userId, CancellationToken cancellation)
    {
        var accountKey = TransactionLocks.KeyOf(userId, TransactionLocks.PointsAccountScope);
        await TransactionLocks.TakeInOrderAsync(session, rewardId is { } id ? [TransactionLocks.KeyOf(id), accountKey] : [accountKey], cancellation);

        var reads = session.CreateBatchQuery();
        var rewardRead = rewardId is { } locked ? reads.Events.FetchForWriting<Reward>(locked) : null;
        var accountRead = reads.Events.FetchForWriting<PointsAccount>(userId);
        await reads.Execute(cancellation);
        return new MintStreams(rewardRead is null ? null : await rewardRead, LedgerAccount.Of(session, await accountRead));
    }
}
