using System.Text.Json;
using Npgsql;

namespace Xylo.Api.Features.Audit;

/// <summary>One event of the log with all its metadata; <see cref="Data"/> and <see cref="Headers"/> are the stored JSON.</summary>
public sealed record AuditEvent(
    long Seq,
    Guid Id,
    Guid StreamId,
    string? StreamType,
    long Version,
    string Type,
    DateTimeOffset Timestamp,
    JsonElement Data,
    string? CorrelationId,
    string? CausationId,
    string? UserName,
    JsonElement? Headers)
{
    /// <summary>Reads a row of <see cref="AuditEventFilter.ToCommand"/>.</summary>
    public static AuditEvent Read(NpgsqlDataReader row) => new(
        row.GetInt64(0),
        row.GetGuid(1),
        row.GetGuid(2),
        row.IsDBNull(3) ? null : row.GetString(3),
        row.GetInt64(4),
        row.GetString(5),
        row.GetFieldValue<DateTimeOffset>(6),
        Json(row.GetString(7)),
        row.IsDBNull(8) ? null : row.GetString(8),
        row.IsDBNull(9) ? null : row.GetString(9),
        row.IsDBNull(10) ? null : row.GetString(10),
        row.IsDBNull(11) ? null : Json(row.GetString(11)));

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
