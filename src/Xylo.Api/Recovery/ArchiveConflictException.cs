namespace Xylo.Api.Recovery;

/// <summary>A manifest entry that does not follow the manifest's last one: another writer has moved the archive on.</summary>
public sealed class ArchiveConflictException(string message) : Exception(message);
