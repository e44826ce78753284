using Marten;
using Xylo.Api.Chain;
using Xylo.Domain.Mints;
using Xylo.Projections.Mints;

namespace Xylo.Api.Features.Mints;

public static class ResumeDeferredMintsHandler
{
    public const int Batch = 500;

    public static async Task<object[]> Handle(ResumeDeferredMints message, IDocumentSession session, ChainGateway chain, TimeProvider clock,
        ILogger<ResumeDeferredMints> logger, CancellationToken cancellation)
    {
        if (await chain.IsPausedAsync(chain.RewardsContract)) return [];

        var deferred = await session.Query<MintView>().Where(m => m.Status == MintView.Deferred)
            .OrderBy(m => m.RequestedAt).Select(m => m.Id).Take(Batch).ToListAsync(cancellation);
        var now = clock.GetUtcNow();
        var resumedCount = 0;
        foreach (var id in deferred)
        {
            var stream = await session.Events.FetchForWriting<Mint>(id, cancellation);
            if (stream.Aggregate is not { } mint) continue;

            var resumed = MintDecisions.Resume(mint, now).Events;
            stream.AppendMany(resumed);
            resumedCount += resumed.Count;
        }

        // Each MintResumed sends its mint to the signer (MintWorkSubscription).
        if (resumedCount > 0) logger.LogInformation("Resumed {Count} deferred mints: the rewards contract is not paused", resumedCount);
        return deferred.Count == Batch ? [new ResumeDeferredMints()] : [];
    }
}
