using Marten.Events.Aggregation;
using Xylo.Domain.Mints;

namespace Xylo.Projections.Mints;

/// <summary><c>GET /mints/{id}</c> and <c>GET /me/mints</c>; the reconciler finds unfinished mints here.</summary>
public sealed record MintView(
    Guid Id,
    Guid UserId,
    Guid RewardId,
    string Wallet,
    string Status,
    string RequestId,
    long Cost,
    long? Nonce,
    string? TxHash,
    long? TokenId,
    long? BlockNumber,
    string? Reason,
    DateTimeOffset RequestedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ConfirmedAt)
{
    public const string Queued = "queued";
    public const string Signed = "signed";
    public const string Broadcast = "broadcast";
    public const string Confirmed = "confirmed";
    public const string Failed = "failed";
    public const string Deferred = "deferred";

    public static readonly string[] Unfinished = [Queued, Signed, Broadcast, Deferred];
}

/// <summary>Inline: a client polls its mint right after the 202, and the pipeline's steps move it at once.</summary>
public sealed partial class MintViewProjection : SingleStreamProjection<MintView, Guid>
{
    public static MintView Create(MintRequested e) =>
        new(e.MintId, e.UserId, e.RewardId, e.Wallet, MintView.Queued, e.RequestId, e.Cost, null, null, null, null, null, e.RequestedAt, e.RequestedAt, null);

    public static MintView Apply(MintTransactionSigned e, MintView view) =>
        view with { Status = MintView.Signed, Nonce = e.Nonce, TxHash = e.TxHash, UpdatedAt = e.SignedAt };

    public static MintView Apply(MintTransactionBroadcast e, MintView view) => view with { Status = MintView.Broadcast, UpdatedAt = e.BroadcastAt };

    public static MintView Apply(MintTransactionReplaced e, MintView view) => view with { TxHash = e.TxHash, UpdatedAt = e.ReplacedAt };

    public static MintView Apply(MintTransactionMined e, MintView view) =>
        view with { TxHash = e.TxHash, BlockNumber = e.BlockNumber, UpdatedAt = e.SeenAt };

    public static MintView Apply(MintTransactionReorged e, MintView view) => view with { BlockNumber = null, UpdatedAt = e.DetectedAt };

    public static MintView Apply(MintConfirmed e, MintView view) => view with
    {
        Status = MintView.Confirmed,
        TokenId = e.TokenId,
        TxHash = e.TxHash ?? view.TxHash,
        BlockNumber = e.BlockNumber,
        UpdatedAt = e.ConfirmedAt,
        ConfirmedAt = e.ConfirmedAt,
    };

    public static MintView Apply(MintFailed e, MintView view) => view with { Status = MintView.Failed, Reason = e.Reason, UpdatedAt = e.FailedAt };

    public static MintView Apply(MintDeferred e, MintView view) => view with { Status = MintView.Deferred, Reason = e.Reason, UpdatedAt = e.DeferredAt };

    public static MintView Apply(MintResumed e, MintView view) => Unsigned(view, e.ResumedAt);

    public static MintView Apply(MintNonceTakenElsewhere e, MintView view) => Unsigned(view, e.DetectedAt);

    private static MintView Unsigned(MintView view, DateTimeOffset at) =>
        view with { Status = MintView.Queued, Reason = null, Nonce = null, TxHash = null, BlockNumber = null, UpdatedAt = at };
}
