using System.ComponentModel.DataAnnotations;

namespace Xylo.Api.Features.Vault;

/// <summary>How the vault indexer follows the chain (section <c>Vault</c>).</summary>
public sealed class VaultOptions
{
    public const string Section = "Vault";

    /// <summary>The indexer runs when this is on and <c>Chain:VaultContract</c> is configured.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Blocks below the latest before a log is indexed (safe head = latest − depth); newer logs are shown as pending.</summary>
    [Range(0, 10_000)]
    public int ConfirmationDepth { get; set; } = 12;

    /// <summary>Take the chain's <c>finalized</c> block as the safe head instead of a depth (Polygon in production).</summary>
    public bool UseFinalizedTag { get; set; }

    [Range(10, 60_000)]
    public int PollIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Blocks per eth_getLogs and per transaction while catching up.</summary>
    [Range(1, 100_000)]
    public int BatchBlocks { get; set; } = 2000;

    /// <summary>How far below the cursor block hashes are kept and re-checked on every poll (the deepest reorg handled in place).</summary>
    [Range(1, 10_000)]
    public int ReorgWindowBlocks { get; set; } = 128;

    /// <summary>Readiness is Degraded when the cursor is more blocks than this behind the safe head.</summary>
    [Range(1, 1_000_000)]
    public int MaxLagBlocks { get; set; } = 100;

    /// <summary>Behind and no progress for this long: the indexer is stalled (Slack #alerts, readiness Degraded).</summary>
    [Range(1, 86_400)]
    public int StalledAfterSeconds { get; set; } = 120;

    /// <summary>A deposit of at least this many whole units is posted to Slack #monitoring.</summary>
    [Range(0, double.MaxValue)]
    public decimal BigDepositUnits { get; set; } = 1000;

    /// <summary>At most this many pending (not yet safe) logs are kept for display.</summary>
    [Range(0, 10_000)]
    public int MaxPendingShown { get; set; } = 500;
}
