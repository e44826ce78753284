using Marten;
using JasperFx.Events;
using Xylo.Api.Chain;
using Xylo.Api.External.Slack;
using Xylo.Domain;
using Xylo.Domain.Mints;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// What a mint's end does to the other streams, in the same transaction as the mint's own event:
/// a confirmation spends the hold; a failure voids it and returns the unit of supply.
/// </summary>
public static class MintSettlement
{
    public static async Task ApplyAsync(IDocumentSession session, Mint mint, IReadOnlyList<object> events, DateTimeOffset now, CancellationToken cancellation)
    {
        var touches = MintDecisions.SettlementTouches(mint, events);
        if (!touches.Account) return;

        var streams = await MintStreams.OpenLockedAsync(session, touches.Reward ? mint.RewardId : null, mint.UserId, cancellation);
        var decision = MintDecisions.Settle(mint, streams.Account.State, events, now);
        if (decision.Rejection is { } rejection)
        {
            throw new InvalidOperationException($"points account {mint.UserId}: the mint's hold cannot be settled: {rejection.Message}");
        }

        streams.Reward?.AppendMany(decision.Value!.RewardEvents);
        streams.Account.Append(Decision.Accept([.. decision.Value!.AccountEvents]));
    }

    /// <summary>
    /// The chain already holds the request's token: the mint is confirmed (the hold spent) from the contract's
    /// <c>RewardMinted</c> log. The log only adds the transaction hash and block, so a provider that refuses the
    /// block range does not hold the settlement up.
    /// </summary>
    public static async Task<SlackNotice> SettleFromChainAsync(IDocumentSession session, IEventStream<Mint> stream, long tokenId, ChainGateway chain,
        ILogger logger, DateTimeOffset now, CancellationToken cancellation)
    {
        var mint = stream.Aggregate!;
        var (log, refusal) = await chain.FindMintLogAsync(mint.RequestId);
        if (refusal is not null)
        {
            logger.LogWarning("Mint {MintId}: the RewardMinted log of request {RequestId} could not be read ({Refusal}); settling without its transaction hash",
                mint.Id, mint.RequestId, refusal);
        }

        var settled = MintDecisions.SettleFromChain(mint, tokenId, log?.TxHash, log?.BlockNumber ?? 0, now).Events;
        stream.AppendMany(settled);
        await ApplyAsync(session, mint, settled, now, cancellation);
        logger.LogWarning("Mint {MintId} was already minted on chain as token {TokenId}: settled from the chain", mint.Id, tokenId);
        return SlackNotice.Minted(mint, tokenId, log?.TxHash);
    }
}
