using Marten;
using Microsoft.Extensions.Options;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
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

        var quote = await chain.QuoteFeesAsync();
        var (maxFee, priority) = MintDecisions.BumpedFees(mint, quote.MaxFeePerGas, quote.MaxPriorityFeePerGas,
            options.Value.FeeBumpPercent, options.Value.MaxFeeCapWei);
        if (maxFee <= mint.MaxFeePerGas)
        {
            logger.LogError("Mint {MintId}: tx {TxHash} is stuck at the fee cap ({Cap} wei); rebroadcasting it unchanged", mint.Id, mint.TxHash, options.Value.MaxFeeCapWei);
            return [new BroadcastMint(mint.Id)];
        }

        var now = clock.GetUtcNow();
        var tx = chain.Sign(chain.RewardsContract, ChainGateway.MintCall(mint).GetCallData().ToHex(true), nonce, mint.GasLimit, new FeeQuote(maxFee, priority));
        stream.AppendMany(MintDecisions.Replace(mint, tx, now));
        SignerNonces.Record(session, tx, $"mint:{mint.Id}", now);
        logger.LogWarning("Mint {MintId}: nonce {Nonce} re-signed as {TxHash} with max fee {MaxFee} wei (was {OldFee})", mint.Id, nonce, tx.TxHash, maxFee, mint.MaxFeePerGas);
        return [new BroadcastMint(mint.Id)];
    }
}
