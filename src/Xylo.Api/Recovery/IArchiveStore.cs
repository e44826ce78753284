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

    /// <summary>Adds one entry to the manifest (after its segment is durable).</summary>
    Task AppendManifestAsync(ArchiveSegment entry, CancellationToken cancellation);

    /// <summary>The manifest in order; a torn last entry from a crash mid-write is left out.</summary>
    Task<IReadOnlyList<ArchiveSegment>> ReadManifestAsync(CancellationToken cancellation);
}
