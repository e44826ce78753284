using Xylo.Domain.Vault;

namespace Xylo.Api.Features.Vault;

/// <summary>A block the indexer read, by the hash it had then: re-checked on every poll.</summary>
public sealed record IndexedBlock(long Number, string Hash);

/// <summary>A log in a block above the safe head: shown, not indexed, not credited.</summary>
public sealed record PendingVaultLog(VaultLogKind Kind, string TxHash, long LogIndex, long BlockNumber, string Wallet, string Token, string Amount, int Decimals);

public sealed record VaultReorgSeen(long ForkBlock, long FromBlock, string OldHash, string? NewHash, int LogsReversed, DateTimeOffset At);

/// <summary>
/// The indexer's cursor (the last block indexed and its hash) with the recent block hashes it re-checks, saved in the
/// same transaction as the events it appended (optimistic concurrency: a second indexer's commit fails), plus what the
/// last poll saw for <c>GET /admin/vault</c>.
/// </summary>
public sealed record VaultIndexerState(
    string Id,
    long Cursor,
    string? CursorHash,
    IReadOnlyList<IndexedBlock> Recent,
    long? SafeHead,
    long? LatestHead,
    IReadOnlyList<PendingVaultLog> Pending,
    VaultReorgSeen? LastReorg,
    long Reorgs,
    DateTimeOffset? PolledAt,
    DateTimeOffset? ProgressAt,
    string? LastError,
    DateTimeOffset? LastErrorAt)
{
    public const string Key = "vault";

    public static VaultIndexerState Start(long deploymentBlock) =>
        new(Key, deploymentBlock - 1, null, [], null, null, [], null, 0, null, null, null, null);

    public long? LagBlocks => SafeHead is { } safe ? Math.Max(0, safe - Cursor) : null;
}

/// <summary>An admin's request to read the chain again from <see cref="FromBlock"/>; the indexer takes it up on its next poll.</summary>
public sealed record VaultRescan(string Id, long FromBlock, string RequestedBy, DateTimeOffset RequestedAt);
