namespace Xylo.Api.Features.Mints;

/// <summary>
/// Sign these queued mints with the signer's next nonces, in one transaction (sequential queue per signer). Sent by
/// <see cref="MintWorkSubscription"/> for what the event log says waits to be signed, and by the reconciler.
/// </summary>
public sealed record SignMints(Guid[] MintIds);

/// <summary>Send the recorded raw transactions of a signed batch, in one JSON-RPC batch; sending them again is harmless.</summary>
public sealed record BroadcastMints(Guid[] MintIds);

/// <summary>Send the recorded raw transaction; sending it again is harmless.</summary>
public sealed record BroadcastMint(Guid MintId);

/// <summary>
/// Look at the chain once for a broadcast mint and record what changed (mined, reorged, confirmed, failed, overdue):
/// queued by <see cref="MintReceiptWatcher"/> when a block changed something for the mint, and by the reconciler.
/// </summary>
public sealed record TrackMint(Guid MintId);

/// <summary>Re-sign a stuck transaction with the same nonce and a higher fee (sequential queue per signer).</summary>
public sealed record ReplaceMintTransaction(Guid MintId);

/// <summary>Deferred mints are resumed once the contract is unpaused (their <c>MintResumed</c> sends them to the signer).</summary>
public sealed record ResumeDeferredMints;
