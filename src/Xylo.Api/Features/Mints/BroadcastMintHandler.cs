using JasperFx.Events;
using Marten;
using Xylo.Api.Chain;
using Xylo.Domain.Mints;

namespace Xylo.Api.Features.Mints;

public static class BroadcastMintHandler
{
    public static async Task Handle(BroadcastMint message, IDocumentSession session, ChainGateway chain, TimeProvider clock, ILogger<BroadcastMint> logger,
        CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Mint>(message.MintId, cancellation);
        if (stream.Aggregate is not { Status: MintStatus.Signed or MintStatus.Broadcast, RawTransaction: { } raw, Mined: null } mint) return;

        var result = await chain.BroadcastAsync(raw);
        if (result == BroadcastResult.NonceUsed)
        {
            logger.LogInformation("Mint {MintId}: nonce {Nonce} is already used on chain; tracking its transactions", mint.Id, mint.Nonce);
        }

        // Broadcast: MintReceiptWatcher looks for its receipt from now on, once per block.
        stream.AppendMany(MintDecisions.Broadcast(mint, clock.GetUtcNow()).Events);
    }
}

public static class BroadcastMintsHandler
{
    /// <summary>
    /// A signed batch: its transactions sent in one JSON-RPC batch in nonce order, and recorded as broadcast in one
    /// database transaction (a mint that moved on meanwhile is left out). A failed send retries the whole batch, which
    /// is harmless; the reconciler sends any mint still signed one by one.
    /// </summary>
    public static async Task Handle(BroadcastMints message, IDocumentSession session, ChainGateway chain, TimeProvider clock, ILogger<BroadcastMints> logger,
        CancellationToken cancellation)
    {
        var reads = session.CreateBatchQuery();
        var fetches = message.MintIds.Distinct().Select(id => reads.Events.FetchForWriting<Mint>(id)).ToList();
        await reads.Execute(cancellation);
        var due = new List<(IEventStream<Mint> Stream, Mint Mint)>();
        foreach (var fetch in fetches)
        {
            if (await fetch is { Aggregate: { Status: MintStatus.Signed or MintStatus.Broadcast, RawTransaction: not null, Mined: null } mint } stream) due.Add((stream, mint));
        }

        if (due.Count == 0) return;

        due.Sort((a, b) => Nullable.Compare(a.Mint.Nonce, b.Mint.Nonce));
        var results = await chain.BroadcastBatchAsync([.. due.Select(d => d.Mint.RawTransaction!)]);
        var now = clock.GetUtcNow();
        for (var i = 0; i < due.Count; i++)
        {
            var (stream, mint) = due[i];
            if (results[i] == BroadcastResult.NonceUsed)
            {
                logger.LogInformation("Mint {MintId}: nonce {Nonce} is already used on chain; tracking its transactions", mint.Id, mint.Nonce);
            }

            stream.AppendMany(MintDecisions.Broadcast(mint, now).Events);
        }

        logger.LogInformation("Broadcast {Count} mints (nonces {First}..{Last}) in one batch", due.Count, due[0].Mint.Nonce, due[^1].Mint.Nonce);
    }
}
