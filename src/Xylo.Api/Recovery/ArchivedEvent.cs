namespace Xylo.Api.Recovery;

/// <summary>
/// One line of an archive segment: an mt_events row as stored (data and headers are the stored JSON text),
/// plus the stream's type, which is all a restore needs to put it back exactly.
/// </summary>
public sealed record ArchivedEvent(
    long Seq,
    Guid Id,
    Guid StreamId,
    string? StreamType,
    long Version,
    string Type,
    string? DotnetType,
    string Data,
    DateTimeOffset Timestamp,
    string TenantId,
    string? CorrelationId,
    string? CausationId,
    string? Headers,
    string? UserName,
    bool IsArchived);
