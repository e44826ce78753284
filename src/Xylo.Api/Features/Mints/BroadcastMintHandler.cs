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
