namespace Xylo.Api.Recovery;

/// <summary>
/// A manifest entry: the segment covers every sequence number in [From, To] (rolled-back transactions leave
/// gaps, so Events can be smaller than the range), and links to its predecessor by hash.
/// </summary>
public sealed record ArchiveSegment(
    string Name,
    long From,
    long To,
    int Events,
    long FirstSeq,
    long LastSeq,
    DateTimeOffset FirstTimestamp,
    DateTimeOffset LastTimestamp,
    string Sha256,
    string PreviousSha256)
{
    /// <summary>The previous hash of the first segment.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string NameFor(long from, long to) => $"{from:D19}-{to:D19}.ndjson.gz";
}
