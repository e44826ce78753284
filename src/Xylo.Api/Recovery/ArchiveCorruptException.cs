namespace Xylo.Api.Recovery;

/// <summary>The archive cannot be trusted from <see cref="Segment"/> on; nothing after it is restored.</summary>
public sealed class ArchiveCorruptException(string segment, string reason)
    : Exception($"archive segment {segment}: {reason}")
{
    public string Segment { get; } = segment;
}
