namespace Xylo.Api.Features.Mints;

/// <summary>Sign the queued mint with the signer's next nonce (sequential queue per signer).</summary>
public sealed record SignMint(Guid MintId);

/// <summary>Send the recorded raw transaction; sending it again is harmless.</summary>
public sealed record BroadcastMint(Guid MintId);

/// <summary>
/// Look at the chain once; the handler schedules the next look. <paramref name="Loop"/> names the tracking loop
/// the message belongs to: only the loop <see cref="MintTracking"/> names goes on.
/// </summary>
public sealed record TrackMint(Guid MintId, Guid Loop);

/// <summary>Re-sign a stuck transaction with the same nonce and a higher fee (sequential queue per signer).</summary>
public sealed record ReplaceMintTransaction(Guid MintId);

/// <summary>Deferred mints go back to the signer once the contract is unpaused.</summary>
public sealed record ResumeDeferredMints;
