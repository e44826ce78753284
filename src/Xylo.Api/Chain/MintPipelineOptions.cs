using System.ComponentModel.DataAnnotations;

namespace Xylo.Api.Chain;

/// <summary>How mints travel to the chain (section <c>Mints</c>); fees in wei.</summary>
public sealed class MintPipelineOptions
{
    public const string Section = "Mints";

    /// <summary>Blocks on top of the mined one before a mint is confirmed (1 = mined is enough).</summary>
    [Range(1, 1000)]
    public int ConfirmationDepth { get; set; } = 2;

    /// <summary>Confirm on the chain's <c>finalized</c> block instead of a depth (Polygon in production).</summary>
    public bool UseFinalizedTag { get; set; }

    /// <summary>
    /// How often the receipt watcher asks for the latest block. A look at the mints happens only when the block is new,
    /// so a short interval costs one small call per tick and finds a block's receipts soon after it is made.
    /// </summary>
    [Range(10, 60_000)]
    public int PollIntervalMilliseconds { get; set; } = 250;

    /// <summary>A transaction not mined after this long is replaced with the same nonce and a higher fee.</summary>
    [Range(1, 3600)]
    public int ReplaceAfterSeconds { get; set; } = 60;

    [Range(10, 500)]
    public int FeeBumpPercent { get; set; } = 20;

    /// <summary>The lowest tip offered; Polygon refuses less than 25 gwei.</summary>
    [Range(0, long.MaxValue)]
    public long PriorityFeeFloorWei { get; set; } = 1_000_000_000;

    [Range(1, long.MaxValue)]
    public long MaxFeeCapWei { get; set; } = 500_000_000_000;

    [Range(100, 1000)]
    public int GasLimitPercent { get; set; } = 130;

    /// <summary>How often the reconciler looks for mints that stopped moving, and how long "stopped" is.</summary>
    [Range(1, 3600)]
    public int ReconcileIntervalSeconds { get; set; } = 15;

    [Range(1, 86_400)]
    public int StalledAfterSeconds { get; set; } = 60;

    /// <summary>The reconciler and the chain metrics run only when the pipeline has a contract to talk to.</summary>
    public bool Enabled { get; set; } = true;
}
