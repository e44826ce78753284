namespace Xylo.Api.Recovery;

/// <summary>
/// Where closed segments and the manifest live: a directory now, an S3-compatible bucket in production.
/// Every write is durable when the call returns; writing a segment that exists is a harmless overwrite.
/// </summary>
public interface IArchiveStore
{
    string Location { get; }

    Task PutSegmentAsync(string name, byte[] bytes, CancellationToken cancellation);

    Task<byte[]?> ReadSegmentAsync(string name, CancellationToken cancellation);

    /// <summary>Segment names present in the store, manifest or not.</summary>
    Task<IReadOnlyList<string>> ListSegmentsAsync(CancellationToken cancellation);

    /// <summary>
    /// Adds one entry to the manifest (after its segment is durable), only if it follows the last entry: it starts
    /// right after it and names its hash (or the genesis hash on an empty manifest). Otherwise nothing is written and
    /// <see cref="ArchiveConflictException"/> is thrown, so two writers can never leave overlapping entries.
    /// </summary>
    Task AppendManifestAsync(ArchiveSegment entry, CancellationToken cancellation);

    /// <summary>The manifest's last complete entry (null when empty), without reading the whole manifest.</summary>
    Task<ArchiveSegment?> LastManifestEntryAsync(CancellationToken cancellation);

    /// <summary>The manifest in order; a torn last entry from a crash mid-write is left out.</summary>
    Task<IReadOnlyList<ArchiveSegment>> ReadManifestAsync(CancellationToken cancellation);
}
