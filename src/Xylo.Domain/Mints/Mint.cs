using System.Collections.Immutable;
using JasperFx.Core;

namespace Xylo.Domain.Mints;

public sealed record MintRequested(
    Guid MintId,
    Guid UserId,
    Guid RewardId,
    string Wallet,
    string MetadataUri,
    long Cost,
    string RequestId,
    DateTimeOffset RequestedAt,
    bool SupplyUnlimited = false,
    bool AwaitsSupply = false);

/// <summary>
/// A unit of the reward's limited supply is the mint's (the reward's <c>RewardSupplyClaimed</c> in the same transaction):
/// given by the signer in log order, before any nonce is taken for the mint.
/// </summary>
public sealed record MintSupplyAllotted(Guid MintId, Guid RewardId, DateTimeOffset AllottedAt);

/// <summary>Recorded before the transaction leaves the process: a crash after this point rebroadcasts these bytes.</summary>
public sealed record MintTransactionSigned(
    Guid MintId,
    string Signer,
    long Nonce,
    string TxHash,
    string RawTransaction,
    long GasLimit,
    long MaxFeePerGas,
    long MaxPriorityFeePerGas,
    DateTimeOffset SignedAt);

public sealed record MintTransactionBroadcast(Guid MintId, string TxHash, DateTimeOffset BroadcastAt);

/// <summary>A stuck transaction re-signed with the same nonce and a higher fee; either one may be mined, never both.</summary>
public sealed record MintTransactionReplaced(
    Guid MintId,
    long Nonce,
    string PreviousTxHash,
    string TxHash,
    string RawTransaction,
    long MaxFeePerGas,
    long MaxPriorityFeePerGas,
    DateTimeOffset ReplacedAt);

public sealed record MintTransactionMined(Guid MintId, string TxHash, long BlockNumber, string BlockHash, DateTimeOffset SeenAt);

/// <summary>The block that held the transaction is no longer on the chain: it goes back to broadcast.</summary>
public sealed record MintTransactionReorged(Guid MintId, string TxHash, long BlockNumber, string BlockHash, DateTimeOffset DetectedAt);

public sealed record MintConfirmed(Guid MintId, Guid UserId, long TokenId, string? TxHash, long BlockNumber, DateTimeOffset RequestedAt, DateTimeOffset ConfirmedAt);

public sealed record MintFailed(Guid MintId, Guid UserId, string Reason, DateTimeOffset FailedAt);

public sealed record MintDeferred(Guid MintId, string Reason, DateTimeOffset DeferredAt);

public sealed record MintResumed(Guid MintId, DateTimeOffset ResumedAt);

/// <summary>
/// The mint's nonce was used at a final block by a transaction that is none of the mint's (someone else signs
/// with the key): none of its transactions can ever be mined, so it is signed again with a new nonce.
/// </summary>
public sealed record MintNonceTakenElsewhere(Guid MintId, string Signer, long Nonce, long SafeBlock, DateTimeOffset DetectedAt);

public enum MintStatus
{
    Queued,
    Signed,
    Broadcast,
    Confirmed,
    Failed,
    Deferred,
}

public sealed record MinedIn(string TxHash, long BlockNumber, string BlockHash);

/// <summary>
/// One mint request (stream id = mint id). Every transaction signed for it shares one nonce at a time,
/// so at most one of them can be mined; the contract refuses a second token for the request id.
/// </summary>
/// <param name="SupplyUnlimited">
/// The reward had no supply limit when the mint was requested: no unit was claimed, so a failure returns none.
/// (Requests before this field claimed a unit of every reward; they read false.)
/// </param>
/// <param name="AwaitsSupply">
/// A limited reward's unit is not yet the mint's: the signer allots units in log order (<see cref="MintSupplyAllotted"/>)
/// or fails the mint as sold out. (Requests before this field claimed their unit when requested; they read false.)
/// </param>
public sealed record Mint(
    Guid Id,
    Guid UserId,
    Guid RewardId,
    string Wallet,
    string MetadataUri,
    long Cost,
    string RequestId,
    MintStatus Status,
    string? Signer,
    long? Nonce,
    string? TxHash,
    string? RawTransaction,
    long GasLimit,
    long MaxFeePerGas,
    long MaxPriorityFeePerGas,
    ImmutableList<string> TxHashes,
    MinedIn? Mined,
    long? TokenId,
    string? Reason,
    DateTimeOffset RequestedAt,
    DateTimeOffset? SignedAt,
    DateTimeOffset? LastSentAt,
    bool SupplyUnlimited = false,
    bool AwaitsSupply = false)
{
    public bool IsTerminal => Status is MintStatus.Confirmed or MintStatus.Failed;

    /// <summary>A unit of the reward's supply is the mint's, to be returned if it fails.</summary>
    public bool HoldsSupply => !SupplyUnlimited && !AwaitsSupply;

    /// <summary>The one place an event moves a mint on.</summary>
    [JasperFxIgnore]
    public static Mint Evolve(Mint? state, object @event) => (state, @event) switch
    {
        (null, MintRequested e) => Create(e),
        (null, _) => throw new InvalidOperationException($"a mint stream cannot start with {@event.GetType().Name}"),
        (_, MintSupplyAllotted e) => state.Apply(e),
        (_, MintTransactionSigned e) => state.Apply(e),
        (_, MintTransactionBroadcast e) => state.Apply(e),
        (_, MintTransactionReplaced e) => state.Apply(e),
        (_, MintTransactionMined e) => state.Apply(e),
        (_, MintTransactionReorged e) => state.Apply(e),
        (_, MintConfirmed e) => state.Apply(e),
        (_, MintFailed e) => state.Apply(e),
        (_, MintDeferred e) => state.Apply(e),
        (_, MintResumed e) => state.Apply(e),
        (_, MintNonceTakenElsewhere e) => state.Apply(e),
        _ => throw new InvalidOperationException($"{@event.GetType().Name} cannot be applied to mint {state.Id}"),
    };

    public static Mint Create(MintRequested e) =>
        new(e.MintId, e.UserId, e.RewardId, e.Wallet, e.MetadataUri, e.Cost, e.RequestId, MintStatus.Queued,
            null, null, null, null, 0, 0, 0, [], null, null, null, e.RequestedAt, null, null, e.SupplyUnlimited, e.AwaitsSupply);

    public Mint Apply(MintSupplyAllotted e) => this with { AwaitsSupply = false };

    public Mint Apply(MintTransactionSigned e) => this with
    {
        Status = MintStatus.Signed,
        Signer = e.Signer,
        Nonce = e.Nonce,
        TxHash = e.TxHash,
        RawTransaction = e.RawTransaction,
        GasLimit = e.GasLimit,
        MaxFeePerGas = e.MaxFeePerGas,
        MaxPriorityFeePerGas = e.MaxPriorityFeePerGas,
        TxHashes = [e.TxHash],
        SignedAt = e.SignedAt,
    };

    public Mint Apply(MintTransactionBroadcast e) => this with { Status = MintStatus.Broadcast, LastSentAt = e.BroadcastAt };

    public Mint Apply(MintTransactionReplaced e) => this with
    {
        TxHash = e.TxHash,
        RawTransaction = e.RawTransaction,
        MaxFeePerGas = e.MaxFeePerGas,
        MaxPriorityFeePerGas = e.MaxPriorityFeePerGas,
        TxHashes = TxHashes.Add(e.TxHash),
        LastSentAt = e.ReplacedAt,
    };

    public Mint Apply(MintTransactionMined e) => this with { Mined = new MinedIn(e.TxHash, e.BlockNumber, e.BlockHash) };

    public Mint Apply(MintTransactionReorged e) => this with { Mined = null, LastSentAt = e.DetectedAt };

    public Mint Apply(MintConfirmed e) => this with { Status = MintStatus.Confirmed, TokenId = e.TokenId, TxHash = e.TxHash ?? TxHash };

    public Mint Apply(MintFailed e) => this with { Status = MintStatus.Failed, Reason = e.Reason };

    public Mint Apply(MintDeferred e) => this with { Status = MintStatus.Deferred, Reason = e.Reason };

    /// <summary>A resumed mint is signed afresh: a deferral before signing consumed no nonce, one after a revert did.</summary>
    public Mint Apply(MintResumed e) => Unsigned();

    public Mint Apply(MintNonceTakenElsewhere e) => Unsigned();

    private Mint Unsigned() => this with
    {
        Status = MintStatus.Queued,
        Reason = null,
        Signer = null,
        Nonce = null,
        TxHash = null,
        RawTransaction = null,
        TxHashes = [],
        Mined = null,
    };
}
