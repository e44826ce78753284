using System.Text;

namespace Xylo.Api.EventLog;

/// <summary>
/// An event as stored: an mt_events row (data and headers are the stored JSON text, as PostgreSQL prints jsonb)
/// plus its stream's type. What the archive writes, a restore puts back and the audit chain hashes.
/// </summary>
/// <remarks>
/// An event read for a replay keeps its data as UTF-8 bytes (<see cref="DataUtf8"/>: as the archive wrote it, or as
/// PostgreSQL sent it), and makes the string only if asked: a restore hands the bytes to the COPY, the log digest and the
/// deserializer, which had each encoded the string again. Equality is by value, whichever form the data is held in.
/// </remarks>
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
    bool IsArchived)
{
    private string? _data = Data;
    private ReadOnlyMemory<byte> _utf8;

    public string Data
    {
        get => _data ??= Encoding.UTF8.GetString(_utf8.Span);
        init => (_data, _utf8) = (value, default);
    }

    /// <summary>
    /// The data as UTF-8 JSON text: the bytes it was read as, or the string encoded once. Set (not empty), it replaces
    /// <see cref="Data"/>.
    /// </summary>
    public ReadOnlyMemory<byte> DataUtf8
    {
        get => _utf8.IsEmpty && _data is not null ? _utf8 = Encoding.UTF8.GetBytes(_data) : _utf8;
        init
        {
            if (!value.IsEmpty) (_data, _utf8) = (null, value);
        }
    }

    public bool Equals(StoredEvent? other) =>
        other is not null && Seq == other.Seq && Id == other.Id && StreamId == other.StreamId && StreamType == other.StreamType && Version == other.Version &&
        Type == other.Type && DotnetType == other.DotnetType && DataUtf8.Span.SequenceEqual(other.DataUtf8.Span) && Timestamp.Equals(other.Timestamp) &&
        TenantId == other.TenantId && CorrelationId == other.CorrelationId &&
        CausationId == other.CausationId && Headers == other.Headers && UserName == other.UserName && IsArchived == other.IsArchived;

    public override int GetHashCode() => HashCode.Combine(Seq, Id, StreamId, Version, Type);
}
