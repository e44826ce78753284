using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Xylo.Api.Chain;
using Xylo.Domain.Mints;

namespace Xylo.Api.Features.Mints;

public static class ReplaceMintTransactionHandler
{
    public static async Task<object[]> Handle(ReplaceMintTransaction message, IDocumentSession session, ChainGateway chain,
        IOptions<MintPipelineOptions> options, TimeProvider clock, ILogger<ReplaceMintTransaction> logger, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Mint>(message.MintId, cancellation);
        if (stream.Aggregate is not { Status: MintStatus.Broadcast, Mined: null, Nonce: { } nonce } mint) return [];

        // A second request for the same stuck transaction (a duplicate tracking loop) must not bump the fee again.
        var now = clock.GetUtcNow();
        var replaceAfter = TimeSpan.FromSeconds(options.Value.ReplaceAfterSeconds);
        if (mint.LastSentAt is { } sent && now - sent < replaceAfter) return [];

        var quote = await chain.QuoteFeesAsync();
        var (maxFee, priority) = MintDecisions.BumpedFees(mint, quote.MaxFeePerGas, quote.MaxPriorityFeePerGas,
            options.Value.FeeBumpPercent, options.Value.MaxFeeCapWei);
        if (maxFee <= mint.MaxFeePerGas)
        {
            // Once per replace window, not at every poll: nothing changes it but the chain's fees or the cap.
            logger.LogError("Mint {MintId}: tx {TxHash} is stuck at the fee cap ({Cap} wei); rebroadcasting it unchanged in {Seconds} s",
                mint.Id, mint.TxHash, options.Value.MaxFeeCapWei, options.Value.ReplaceAfterSeconds);
            return [new BroadcastMint(mint.Id).DelayedFor(replaceAfter)];
        }

        var tx = chain.SignMint(mint, nonce, mint.GasLimit, new FeeQuote(maxFee, priority));
        stream.AppendMany(MintDecisions.Replace(mint, tx, now).Events);
        SignerNonces.Record(session, tx, $"mint:{mint.Id}", now);
        logger.LogWarning("Mint {MintId}: nonce {Nonce} re-signed as {TxHash} with max fee {MaxFee} wei (was {OldFee})", mint.Id, nonce, tx.TxHash, maxFee, mint.MaxFeePerGas);
        return [new BroadcastMint(mint.Id)];
    }
}
