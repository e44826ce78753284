using Marten;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.JsonRpc.Client;
using Xylo.Api.Chain;
using Xylo.Api.External.Slack;
using Xylo.Domain.Mints;

namespace Xylo.Api.Features.Mints;

public static class SignMintHandler
{
    /// <summary>
    /// A dry run first (paused → deferred, a revert → failed, already minted → settled from the chain), then
    /// the nonce is taken and the signed bytes recorded in one transaction; the broadcast is queued with them.
    /// </summary>
    public static async Task<object[]> Handle(SignMint message, IDocumentSession session, ChainGateway chain, TimeProvider clock,
        ILogger<SignMint> logger, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Mint>(message.MintId, cancellation);
        if (stream.Aggregate is not { Status: MintStatus.Queued } mint) return [];

        var now = clock.GetUtcNow();
        switch (await chain.PreflightMintAsync(mint))
        {
            case MintPreflight.Paused:
                stream.AppendMany(MintDecisions.Defer(mint, "the rewards contract is paused", now).Events);
                logger.LogWarning("Mint {MintId} deferred: the rewards contract {Contract} is paused", mint.Id, chain.RewardsContract);
                return [];

            case MintPreflight.Reverts reverts:
                var failed = MintDecisions.Fail(mint, $"the mint would revert: {reverts.Reason}", now).Events;
                stream.AppendMany(failed);
                await MintSettlement.ApplyAsync(session, mint, failed, now, cancellation);
                logger.LogError("Mint {MintId} failed before signing: {Reason}", mint.Id, reverts.Reason);
                return [SlackNotice.Alert($"Mint {mint.Id} failed: {reverts.Reason}")];

            case MintPreflight.AlreadyMinted minted:
                return [await MintSettlement.SettleFromChainAsync(session, stream, minted.TokenId, chain, logger, now, cancellation)];

            case MintPreflight.Ready ready:
                var fees = await chain.QuoteFeesAsync();
                var nonce = await SignerNonces.TakeAsync(session, chain, cancellation);
                var tx = chain.Sign(chain.RewardsContract, ChainGateway.MintCall(mint).GetCallData().ToHex(true), nonce,
                    chain.GasLimitFor(ready.GasEstimate), fees);
                stream.AppendMany(MintDecisions.Sign(mint, tx, now).Events);
                SignerNonces.Record(session, tx, $"mint:{mint.Id}", now);
                logger.LogInformation("Mint {MintId} signed: nonce {Nonce}, tx {TxHash}", mint.Id, nonce, tx.TxHash);
                return [new BroadcastMint(mint.Id)];

            default:
                throw new InvalidOperationException($"mint {mint.Id}: unexpected preflight result");
        }
    }
}
