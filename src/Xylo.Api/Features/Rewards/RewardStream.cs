using JasperFx.Events;
using Marten;
using Xylo.Api.Hosting;
using Xylo.Domain.Rewards;

namespace Xylo.Api.Features.Rewards;

/// <summary>
/// Opens a reward's stream for a supply change under a transaction-scoped advisory lock, so concurrent
/// buyers of one reward wait their turn and then read the committed version, instead of failing with 409.
/// (Marten's FetchForExclusiveWriting still let concurrent appends conflict here.)
/// </summary>
public static class RewardStream
{
    public static async Task<IEventStream<Reward>> OpenLockedAsync(IDocumentSession session, Guid rewardId, CancellationToken cancellation)
    {
        await TransactionLocks.TakeAsync(session, TransactionLocks.KeyOf(rewardId), cancellation);
        return await session.Events.FetchForWriting<Reward>(rewardId, cancellation);
    }
}
