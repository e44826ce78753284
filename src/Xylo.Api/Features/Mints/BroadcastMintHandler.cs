using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Xylo.Api.Chain;
using Xylo.Domain.Mints;

namespace Xylo.Api.Features.Mints;

public static class BroadcastMintHandler
{
    public static async Task<object[]> Handle(BroadcastMint message, IDocumentSession session, ChainGateway chain, IOptions<MintPipelineOptions> options,
        TimeProvider clock, ILogger<BroadcastMint> logger, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Mint>(message.MintId, cancellation);
        if (stream.Aggregate is not { Status: MintStatus.Signed or MintStatus.Broadcast, RawTransaction: { } raw, Mined: null } mint) return [];

        var result = await chain.BroadcastAsync(raw);
        if (result == BroadcastResult.NonceUsed)
        {
            logger.LogInformation("Mint {MintId}: nonce {Nonce} is already used on chain; tracking its transactions", mint.Id, mint.Nonce);
        }

        var now = clock.GetUtcNow();
        stream.AppendMany(MintDecisions.Broadcast(mint, now).Events);
        // A new tracking loop: one still running for an earlier send of this mint ends at its next look.
        return [MintTracking.Start(session, mint.Id, now).DelayedFor(TimeSpan.FromMilliseconds(options.Value.PollIntervalMilliseconds))];
    }
}
