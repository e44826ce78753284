namespace Xylo.Domain.Mints;

/// <summary>A transaction signed offline for a mint; nothing has been sent yet.</summary>
public sealed record SignedMintTransaction(string Signer, long Nonce, string TxHash, string RawTransaction, long GasLimit, long MaxFeePerGas, long MaxPriorityFeePerGas);

/// <summary>What a dry run of the mint against the chain's latest state says.</summary>
public abstract record MintPreflight
{
    public sealed record Ready(long GasEstimate) : MintPreflight;

    /// <summary>The chain already holds a token for the request id (a crash after the transaction went out).</summary>
    public sealed record AlreadyMinted(long TokenId) : MintPreflight;

    public sealed record Paused : MintPreflight;

    public sealed record Reverts(string Reason) : MintPreflight;
}

public static partial class MintDecisions
{
    public static Decision Defer(Mint mint, string reason, DateTimeOffset now) =>
        mint.Status is MintStatus.Queued ? Decision.Accept(new MintDeferred(mint.Id, reason, now)) : Decision.Accept();

    public static Decision Fail(Mint mint, string reason, DateTimeOffset now) =>
        mint.IsTerminal ? Decision.Accept() : Decision.Accept(new MintFailed(mint.Id, mint.UserId, reason, now));

    public static Decision Sign(Mint mint, SignedMintTransaction tx, DateTimeOffset now) =>
        mint.AwaitsSupply
            ? throw new InvalidOperationException($"mint {mint.Id} cannot be signed before a unit of reward {mint.RewardId} is allotted to it")
            : mint.Status is MintStatus.Queued
            ? Decision.Accept(new MintTransactionSigned(mint.Id, tx.Signer, tx.Nonce, tx.TxHash, tx.RawTransaction, tx.GasLimit, tx.MaxFeePerGas, tx.MaxPriorityFeePerGas, now))
            : Decision.Accept();

    public static Decision Broadcast(Mint mint, DateTimeOffset now) =>
        mint.Status is MintStatus.Signed && mint.TxHash is { } hash ? Decision.Accept(new MintTransactionBroadcast(mint.Id, hash, now)) : Decision.Accept();

    public static Decision Replace(Mint mint, SignedMintTransaction tx, DateTimeOffset now)
    {
        if (mint.Status is not MintStatus.Broadcast || mint.Mined is not null || mint.TxHash is not { } previous) return Decision.Accept();
        if (tx.Nonce != mint.Nonce) throw new ArgumentException($"mint {mint.Id}: a replacement must reuse nonce {mint.Nonce}, not {tx.Nonce}", nameof(tx));

        return Decision.Accept(new MintTransactionReplaced(mint.Id, tx.Nonce, previous, tx.TxHash, tx.RawTransaction, tx.MaxFeePerGas, tx.MaxPriorityFeePerGas, now));
    }

    /// <summary>The chain holds a token for the request already (the record of sending it was lost, e.g. a restore): take the chain's word.</summary>
    public static Decision SettleFromChain(Mint mint, long tokenId, string? txHash, long blockNumber, DateTimeOffset now) =>
        mint.IsTerminal ? Decision.Accept() : Decision.Accept(new MintConfirmed(mint.Id, mint.UserId, tokenId, txHash, blockNumber, mint.RequestedAt, now));

    public static Decision Resume(Mint mint, DateTimeOffset now) =>
        mint.Status is MintStatus.Deferred ? Decision.Accept(new MintResumed(mint.Id, now)) : Decision.Accept();

    /// <summary>
    /// Fees for a replacement: at least <paramref name="bumpPercent"/> above the stuck transaction (nodes refuse
    /// a replacement under ~10 %), at least what the chain asks now, never above the cap.
    /// </summary>
    public static (long MaxFee, long Priority) BumpedFees(Mint mint, long suggestedMaxFee, long suggestedPriority, int bumpPercent, long cap)
    {
        var priority = Math.Max(mint.MaxPriorityFeePerGas + (mint.MaxPriorityFeePerGas * bumpPercent / 100) + 1, suggestedPriority);
        var maxFee = Math.Max(mint.MaxFeePerGas + (mint.MaxFeePerGas * bumpPercent / 100) + 1, suggestedMaxFee);
        maxFee = Math.Min(Math.Max(maxFee, priority), cap);
        return (maxFee, Math.Min(priority, maxFee));
    }
}
