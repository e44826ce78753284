namespace Xylo.Api.EventLog;

/// <summary>
/// An event as stored: an mt_events row (data and headers are the stored JSON text, as PostgreSQL prints jsonb)
/// plus its stream's type. What the archive writes, a restore puts back and the audit chain hashes.
/// </summary>
public sealed record StoredEvent(
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
