using System.Text.Json.Serialization;
using Xylo.Api.EventLog;

namespace Xylo.Api.Features.Audit;

/// <summary>
/// One event of the log with all its metadata, as auditors receive it; <see cref="Data"/> and <see cref="Headers"/> are
/// the stored JSON, passed through without re-serializing.
/// </summary>
public sealed record AuditEvent(
    long Seq,
    Guid Id,
    Guid StreamId,
    string? StreamType,
    long Version,
    string Type,
    DateTimeOffset Timestamp,
    [property: JsonConverter(typeof(StoredJsonConverter))] string Data,
    string? CorrelationId,
    string? CausationId,
    string? UserName,
    [property: JsonConverter(typeof(StoredJsonConverter))] string? Headers)
{
    public static AuditEvent From(StoredEvent e) =>
        new(e.Seq, e.Id, e.StreamId, e.StreamType, e.Version, e.Type, e.Timestamp, e.Data, e.CorrelationId, e.CausationId, e.UserName, e.Headers);
}
