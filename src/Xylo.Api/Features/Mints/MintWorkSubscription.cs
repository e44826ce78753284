using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Wolverine;
using Wolverine.Marten.Subscriptions;
using Xylo.Domain.Mints;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// Pending chain work, derived from the event log: a durable subscription (the daemon's, on one node) that turns
/// what leaves a mint waiting for the signer (<see cref="MintRequested"/>, <see cref="MintResumed"/>,
/// <see cref="MintNonceTakenElsewhere"/>) into <see cref="SignMints"/> batches, and a block reorged away
/// (<see cref="MintTransactionReorged"/>) into a <see cref="BroadcastMint"/>. The messages go through Wolverine's
/// outbox in the transaction that moves the subscription on, so each event queues its work exactly once; endpoints
/// and handlers only append events. A database restored from the archive has no progress for it, so it reads the log
/// from the start and queues every mint still waiting (a mint past that step skips the message); the reconciler stays
/// the safety net for the steps after signing.
/// </summary>
public sealed class MintWorkSubscription : BatchSubscription
{
    public const string Name = "MintWork";

    /// <summary>Mints per <see cref="SignMints"/>: one database transaction and one nonce range each.</summary>
    public const int SignBatch = 100;

    public MintWorkSubscription() : base(Name)
    {
        IncludeType<MintRequested>();
        IncludeType<MintResumed>();
        IncludeType<MintNonceTakenElsewhere>();
        IncludeType<MintTransactionReorged>();
        Options.BatchSize = 1000;
    }

    public override async Task ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, IMessageBus bus,
        CancellationToken cancellationToken)
    {
        var toSign = page.Events.Select(e => e.Data switch
            {
                MintRequested requested => requested.MintId,
                MintResumed resumed => resumed.MintId,
                MintNonceTakenElsewhere taken => taken.MintId,
                _ => (Guid?)null,
            })
            .OfType<Guid>()
            .Distinct();
        foreach (var batch in toSign.Chunk(SignBatch)) await bus.PublishAsync(new SignMints(batch));
        foreach (var reorged in page.Events.Select(e => e.Data).OfType<MintTransactionReorged>()) await bus.PublishAsync(new BroadcastMint(reorged.MintId));
    }
}
