using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Xylo.Api.EventLog;

namespace Xylo.Api.Recovery;

/// <summary>
/// Reads segments one after another (<see cref="SegmentCodec"/>'s format): each segment decompressed once into a buffer
/// the decoder keeps, each line read in place by a <see cref="Utf8JsonReader"/>, the data and headers kept as the exact
/// text they were written as. Not thread-safe: one per reader.
/// </summary>
/// <remarks>
/// A restore decodes about a hundred segments a million events. A fresh buffer per segment (several megabytes, on the
/// large object heap) set off a full collection every few segments, and the few values that repeat on every line (the
/// event and stream types, the .NET type, the tenant) were a string each per event; they are now one string each.
/// </remarks>
public sealed class SegmentDecoder
{
    /// <summary>Distinct repeated values kept; past this, values are read as fresh strings (a log with unbounded user names).</summary>
    private const int MaxInterned = 4_096;

    private byte[] _buffer = new byte[1 << 20];
    private readonly Dictionary<byte[], string> _interned = new(Utf8Comparer.Instance);

    /// <param name="events">the events the segment should hold (its manifest's count), to size the list; 0 when unknown</param>
    public List<StoredEvent> Decode(byte[] bytes, int events = 0)
    {
        var length = Decompress(bytes);
        var all = _buffer.AsSpan(0, length);
        var decoded = new List<StoredEvent>(events);
        while (all.Length > 0)
        {
            var end = all.IndexOf((byte)'\n');
            var line = end < 0 ? all : all[..end];
            all = end < 0 ? [] : all[(end + 1)..];
            if (line.Length > 0) decoded.Add(Parse(line));
        }

        return decoded;
    }

    private int Decompress(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var read = gzip.Read(_buffer, length, _buffer.Length - length);
            if (read == 0) return length;
            length += read;
        }
    }

    private StoredEvent Parse(ReadOnlySpan<byte> line)
    {
        var json = new Utf8JsonReader(line);
        long seq = 0, version = 0;
        Guid id = default, stream = default;
        ReadOnlyMemory<byte>? data = null;
        string? streamType = null, type = null, dotnetType = null, tenant = null, correlation = null, causation = null, headers = null, user = null;
        DateTimeOffset? timestamp = null;
        bool? archived = null;
        Expect(json.Read() && json.TokenType == JsonTokenType.StartObject, "an object");
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            // Compared as bytes: a string per property name was 15 allocations an event.
            var name = json.ValueSpan;
            if (!json.Read()) throw new JsonException($"expected a value for {Encoding.UTF8.GetString(name)}");
            if (name.SequenceEqual("seq"u8)) seq = json.GetInt64();
            else if (name.SequenceEqual("id"u8)) id = json.GetGuid();
            else if (name.SequenceEqual("stream"u8)) stream = json.GetGuid();
            else if (name.SequenceEqual("streamType"u8)) streamType = Repeated(ref json);
            else if (name.SequenceEqual("version"u8)) version = json.GetInt64();
            else if (name.SequenceEqual("type"u8)) type = Repeated(ref json);
            else if (name.SequenceEqual("dotnetType"u8)) dotnetType = Repeated(ref json);
            else if (name.SequenceEqual("data"u8)) data = RawUtf8(ref json, line);
            else if (name.SequenceEqual("timestamp"u8)) timestamp = Timestamp(ref json);
            else if (name.SequenceEqual("tenant"u8)) tenant = Repeated(ref json);
            else if (name.SequenceEqual("correlationId"u8)) correlation = json.GetString();
            else if (name.SequenceEqual("causationId"u8)) causation = json.GetString();
            else if (name.SequenceEqual("headers"u8)) headers = RawText(ref json, line);
            else if (name.SequenceEqual("userName"u8)) user = Repeated(ref json);
            else if (name.SequenceEqual("archived"u8)) archived = json.GetBoolean();
            else json.Skip();
        }

        return new StoredEvent(seq, id, stream, streamType, version, type ?? throw Missing("type"), dotnetType, null!,
            timestamp ?? throw Missing("timestamp"), tenant ?? throw Missing("tenant"), correlation, causation, headers, user,
            archived ?? throw Missing("archived")) { DataUtf8 = data ?? throw Missing("data") };
    }

    /// <summary>The value's exact text, as <see cref="JsonElement.GetRawText"/> gives it.</summary>
    private static string RawText(ref Utf8JsonReader json, ReadOnlySpan<byte> line)
    {
        var start = (int)json.TokenStartIndex;
        json.Skip();
        return Encoding.UTF8.GetString(line[start..(int)json.BytesConsumed]);
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition) throw new JsonException($"expected {what}");
    }

    private static KeyNotFoundException Missing(string property) => new($"the line has no \"{property}\"");

    /// <summary>The value's exact text as UTF-8 (copied: the buffer is the next segment's).</summary>
    private static byte[] RawUtf8(ref Utf8JsonReader json, ReadOnlySpan<byte> line)
    {
        var start = (int)json.TokenStartIndex;
        json.Skip();
        return line[start..(int)json.BytesConsumed].ToArray();
    }

    /// <summary>Written as <c>"O"</c> in UTC: read in place, or, in any other form, as <see cref="DateTimeOffset.Parse(string, IFormatProvider, DateTimeStyles)"/> reads it.</summary>
    private static DateTimeOffset Timestamp(ref Utf8JsonReader json) =>
        json.TokenType == JsonTokenType.String && json.TryGetDateTimeOffset(out var at)
            ? at
            : DateTimeOffset.Parse(json.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>A value that repeats across events, as one string per distinct value.</summary>
    private string? Repeated(ref Utf8JsonReader json)
    {
        if (json.TokenType != JsonTokenType.String || json.ValueIsEscaped) return json.GetString();
        var lookup = _interned.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(json.ValueSpan, out var known)) return known;
        var value = json.GetString()!;
        if (_interned.Count < MaxInterned) lookup[json.ValueSpan] = value;
        return value;
    }

    private sealed class Utf8Comparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Utf8Comparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes) => GetHashCode((ReadOnlySpan<byte>)bytes);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
