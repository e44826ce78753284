using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xylo.Api.EventLog;

namespace Xylo.Api.Recovery;

/// <summary>A segment's bytes: gzip-compressed NDJSON, one <see cref="StoredEvent"/> per line, in sequence order.</summary>
public static class SegmentCodec
{
    public static byte[] Encode(IReadOnlyList<StoredEvent> events)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var json = new Utf8JsonWriter(gzip))
        {
            foreach (var e in events)
            {
                WriteLine(json, e);
                json.Flush();
                gzip.WriteByte((byte)'\n');
                json.Reset();
            }
        }

        return output.ToArray();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void WriteLine(Utf8JsonWriter json, StoredEvent e)
    {
        json.WriteStartObject();
        json.WriteNumber("seq", e.Seq);
        json.WriteString("id", e.Id);
        json.WriteString("stream", e.StreamId);
        json.WriteString("streamType", e.StreamType);
        json.WriteNumber("version", e.Version);
        json.WriteString("type", e.Type);
        json.WriteString("dotnetType", e.DotnetType);
        json.WritePropertyName("data");
        json.WriteRawValue(e.Data, skipInputValidation: true);
        json.WriteString("timestamp", e.Timestamp.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("tenant", e.TenantId);
        json.WriteString("correlationId", e.CorrelationId);
        json.WriteString("causationId", e.CausationId);
        // Absent is SQL NULL; a JSON null is stored as jsonb 'null' and must come back as that.
        if (e.Headers is not null)
        {
            json.WritePropertyName("headers");
            json.WriteRawValue(e.Headers, skipInputValidation: true);
        }
        json.WriteString("userName", e.UserName);
        json.WriteBoolean("archived", e.IsArchived);
        json.WriteEndObject();
    }
}
