using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Xylo.Api.Chain;
using Xylo.Api.External.Slack;
using Xylo.Domain.Mints;

namespace Xylo.Api.Features.Mints;

public static class TrackMintHandler
{
    /// <summary>One look at the chain for a mint <see cref="MintReceiptWatcher"/> saw change (or the reconciler found quiet).</summary>
    public static async Task<object[]> Handle(TrackMint message, IDocumentSession session, ChainGateway chain, IOptions<MintPipelineOptions> options,
        MintLooks looks, TimeProvider clock, ILogger<TrackMint> logger, CancellationToken cancellation)
    {
        try
        {
            return await TrackAsync(message, session, chain, options.Value, clock, logger, cancellation);
        }
        finally
        {
            looks.Done(message.MintId);
        }
    }

    private static async Task<object[]> TrackAsync(TrackMint message, IDocumentSession session, ChainGateway chain, MintPipelineOptions options,
        TimeProvider clock, ILogger logger, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Mint>(message.MintId, cancellation);
        if (stream.Aggregate is not { Status: MintStatus.Broadcast } mint) return [];

        var now = clock.GetUtcNow();
        var stuckAfter = TimeSpan.FromSeconds(options.ReplaceAfterSeconds);
        var receipt = await chain.FindReceiptAsync(mint);
        // The safe block matters for a receipt, and for an overdue transaction (is its nonce gone?): no round trips
        // for either while a fresh transaction waits to be mined.
        var overdue = receipt is null && MintDecisions.IsOverdue(mint, stuckAfter, now);
        var safeBlock = receipt is not null || overdue ? await chain.SafeBlockAsync() : 0;
        var safeNonce = overdue ? await SafeNonceAsync(chain, mint, safeBlock, logger) : null;
        var tracked = MintDecisions.Track(mint, receipt, safeBlock, stuckAfter, now, safeNonce);
        if (tracked.Value == TrackOutcome.Resign && await chain.FindReceiptAsync(mint) is { } late)
        {
            // One of the mint's own transactions was mined between the receipt look and the nonce count.
            tracked = MintDecisions.Track(mint, late, await chain.SafeBlockAsync(), stuckAfter, now);
        }

        var (events, next) = (tracked.Events, tracked.Value);

        if (next == TrackOutcome.Failed && await chain.TokenForRequestAsync(mint.RequestId, safeBlock) is { } tokenId)
        {
            // Reverted, yet the chain holds the request's token at the safe block (an earlier transaction of it was
            // mined after all, e.g. once a deep reorg dropped what took its nonce): the fan has it, so settle, never fail.
            return [await MintSettlement.SettleFromChainAsync(session, stream, tokenId, chain, logger, now, cancellation)];
        }

        stream.AppendMany(events);
        await MintSettlement.ApplyAsync(session, mint, events, now, cancellation);

        switch (next)
        {
            case TrackOutcome.Wait:
                // The watcher looks again at the next block.
                return [];
            case TrackOutcome.Confirmed:
                var confirmed = events.OfType<MintConfirmed>().Single();
                logger.LogInformation("Mint {MintId} confirmed: token {TokenId} in block {Block}, tx {TxHash}",
                    mint.Id, confirmed.TokenId, confirmed.BlockNumber, confirmed.TxHash);
                return [SlackNotice.Minted(mint, confirmed.TokenId, confirmed.TxHash)];
            case TrackOutcome.Failed:
                var failed = events.OfType<MintFailed>().Single();
                logger.LogError("Mint {MintId} failed: {Reason}", mint.Id, failed.Reason);
                return [SlackNotice.Alert($"Mint {mint.Id} failed: {failed.Reason}")];
            case TrackOutcome.Deferred:
                logger.LogWarning("Mint {MintId} deferred: its transaction reverted while the contract was paused", mint.Id);
                return [];
            case TrackOutcome.Rebroadcast:
                // Its MintTransactionReorged sends it to broadcast again (MintWorkSubscription).
                logger.LogWarning("Mint {MintId}: block {Block} with tx {TxHash} was reorged away; rebroadcasting",
                    mint.Id, mint.Mined?.BlockNumber, mint.Mined?.TxHash);
                return [];
            case TrackOutcome.Resign:
                var taken = events.OfType<MintNonceTakenElsewhere>().Single();
                logger.LogError(
                    "Mint {MintId}: nonce {Nonce} of signer {Signer} was used by a transaction that is not this mint's (final by block {SafeBlock}); " +
                    "the mint is signed again with a new nonce. Who else signs with this key (or was the database restored to an earlier point)?",
                    mint.Id, taken.Nonce, taken.Signer, taken.SafeBlock);
                // Its MintNonceTakenElsewhere sends it to the signer (MintWorkSubscription).
                return
                [
                    SlackNotice.Alert($"Signer {taken.Signer} nonce {taken.Nonce} was used by a transaction XYLO did not send; mint {mint.Id} is signed again with a new nonce. Check who holds the signing key."),
                ];
            case TrackOutcome.Replace:
                logger.LogWarning("Mint {MintId}: tx {TxHash} (nonce {Nonce}) not mined after {Seconds} s; replacing it with a higher fee",
                    mint.Id, mint.TxHash, mint.Nonce, options.ReplaceAfterSeconds);
                return [new ReplaceMintTransaction(mint.Id)];
            default:
                return [];
        }
    }

    /// <summary>The signer's transaction count at the safe block; null (so the transaction is replaced as before) if the node has no state for that block.</summary>
    private static async Task<long?> SafeNonceAsync(ChainGateway chain, Mint mint, long safeBlock, ILogger logger)
    {
        var (count, refusal) = await chain.TransactionCountAtAsync(mint.Signer!, safeBlock);
        if (refusal is null) return count;

        logger.LogWarning("Mint {MintId}: the signer's nonce at block {SafeBlock} could not be read ({Refusal}, a pruned node?); replacing the transaction instead",
            mint.Id, safeBlock, refusal);
        return null;
    }
}
