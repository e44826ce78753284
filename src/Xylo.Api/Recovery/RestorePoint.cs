using System.Globalization;
using Xylo.Api.EventLog;

namespace Xylo.Api.Recovery;

/// <summary>
/// <c>--until</c> / <c>--at</c>: a sequence number or an ISO-8601 timestamp. The log is cut before the first
/// event past it, so what is kept is always a prefix in sequence order, exactly what the projections saw.
/// </summary>
public sealed record RestorePoint(long? Sequence, DateTimeOffset? Timestamp)
{
    public static readonly RestorePoint Everything = new(null, null);

    public static RestorePoint Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)) return new RestorePoint(sequence, null);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return new RestorePoint(null, at);
        throw new FormatException($"'{text}' is neither a sequence number nor an ISO-8601 timestamp");
    }

    public bool IsPast(StoredEvent e) => e.Seq > Sequence || e.Timestamp > Timestamp;

    public override string ToString() =>
        Sequence is { } s ? $"sequence {s}" : Timestamp is { } t ? t.ToString("O", CultureInfo.InvariantCulture) : "the end";
}
