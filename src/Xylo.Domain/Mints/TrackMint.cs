namespace Xylo.Domain.Mints;

/// <summary>What the chain says about one of the mint's transactions (the one a receipt exists for, if any).</summary>
public sealed record ReceiptSeen(string TxHash, bool Succeeded, long BlockNumber, string BlockHash, long? TokenId, bool PausedAtBlock, string? RevertReason);

public enum TrackOutcome
{
    /// <summary>Nothing to track: the mint is not waiting on the chain.</summary>
    Stop,
    Wait,
    Confirmed,
    Failed,
    Deferred,
    Rebroadcast,
    Replace,

    /// <summary>The nonce went to someone else's transaction: sign the mint again.</summary>
    Resign,
}

public static partial class MintDecisions
{
    /// <summary>An unmined transaction sent at least <paramref name="stuckAfter"/> ago: replaced, or re-signed if its nonce is gone.</summary>
    public static bool IsOverdue(Mint mint, TimeSpan stuckAfter, DateTimeOffset now) =>
        mint is { Status: MintStatus.Broadcast, Mined: null } && now - (mint.LastSentAt ?? mint.RequestedAt) >= stuckAfter;

    /// <summary>
    /// Whether a broadcast mint's tracking step has anything to decide, given where (if anywhere) its transactions
    /// are mined as of the latest block (<paramref name="seen"/>, all its transactions looked at): newly mined, mined
    /// elsewhere or gone (a reorg), deep enough to confirm, or overdue. A mint mined where it was recorded and not yet
    /// at <paramref name="safeBlock"/>, or sent recently and not mined, waits with no step at all.
    /// </summary>
    public static bool NeedsTracking(Mint mint, MinedIn? seen, long safeBlock, TimeSpan stuckAfter, DateTimeOffset now) =>
        mint.Status == MintStatus.Broadcast && (seen is null
            ? mint.Mined is not null || IsOverdue(mint, stuckAfter, now)
            : mint.Mined != seen || seen.BlockNumber <= safeBlock);

    /// <summary>
    /// One look at the chain for a broadcast mint. <paramref name="safeBlock"/> is the highest block
    /// taken as final (latest − depth + 1, or the chain's finalized block); <paramref name="safeNonce"/> is the
    /// signer's transaction count at that block, looked up only when no receipt exists and the mint
    /// <see cref="IsOverdue">is overdue</see>. The value is what to do next.
    /// </summary>
    public static Decision<TrackOutcome> Track(
        Mint mint, ReceiptSeen? receipt, long safeBlock, TimeSpan stuckAfter, DateTimeOffset now, long? safeNonce = null)
    {
        if (mint.Status != MintStatus.Broadcast) return Next(TrackOutcome.Stop);

        if (receipt is null)
        {
            if (mint.Mined is { } gone)
            {
                return Next(TrackOutcome.Rebroadcast, new MintTransactionReorged(mint.Id, gone.TxHash, gone.BlockNumber, gone.BlockHash, now));
            }

            if (!IsOverdue(mint, stuckAfter, now)) return Next(TrackOutcome.Wait);

            // The nonce is used at a final block, yet none of the mint's transactions has a receipt: another
            // transaction took it, and none of ours can ever be mined. A new nonce is safe: the contract refuses a
            // second token for the request id, and signing first looks for one already minted.
            return safeNonce > mint.Nonce
                ? Next(TrackOutcome.Resign, new MintNonceTakenElsewhere(mint.Id, mint.Signer!, mint.Nonce!.Value, safeBlock, now))
                : Next(TrackOutcome.Replace);
        }

        var events = new List<object>();
        if (mint.Mined is not { } mined || mined.BlockHash != receipt.BlockHash || mined.TxHash != receipt.TxHash)
        {
            if (mint.Mined is { } moved) events.Add(new MintTransactionReorged(mint.Id, moved.TxHash, moved.BlockNumber, moved.BlockHash, now));
            events.Add(new MintTransactionMined(mint.Id, receipt.TxHash, receipt.BlockNumber, receipt.BlockHash, now));
        }

        if (receipt.BlockNumber > safeBlock) return Next(TrackOutcome.Wait, [.. events]);

        if (!receipt.Succeeded)
        {
            if (receipt.PausedAtBlock)
            {
                events.Add(new MintDeferred(mint.Id, $"the rewards contract was paused when {receipt.TxHash} was mined", now));
                return Next(TrackOutcome.Deferred, [.. events]);
            }

            events.Add(new MintFailed(mint.Id, mint.UserId, $"transaction {receipt.TxHash} reverted: {receipt.RevertReason ?? "no reason given"}", now));
            return Next(TrackOutcome.Failed, [.. events]);
        }

        if (receipt.TokenId is not { } tokenId)
        {
            throw new InvalidOperationException($"mint {mint.Id}: transaction {receipt.TxHash} succeeded without a RewardMinted log for request {mint.RequestId}");
        }

        events.Add(new MintConfirmed(mint.Id, mint.UserId, tokenId, receipt.TxHash, receipt.BlockNumber, mint.RequestedAt, now));
        return Next(TrackOutcome.Confirmed, [.. events]);
    }

    private static Decision<TrackOutcome> Next(TrackOutcome next, params object[] events) => Decision<TrackOutcome>.Accept(next, events);
}
