using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Xylo.Api.EventLog;

namespace Xylo.Api.Features.Audit;

/// <summary>
/// The tamper-evidence hash: SHA-256 over the previous hash and one event as stored, every field as text separated
/// by a line feed, so anyone can recompute it with <c>sha256sum</c>:
/// <c>hex(previous) \n seq \n stream id \n version \n type \n data \n timestamp \n id \n correlation id \n causation id \n user name \n headers</c>.
/// <c>data</c> is the jsonb column's text output (PostgreSQL prints jsonb canonically, and that text never
/// holds a raw line feed); the timestamp is UTC with microseconds, PostgreSQL's precision. The first
/// event chains to 32 zero bytes. The metadata columns (who acted, why, the event's id) are audit facts too, so they
/// are hashed; a missing one hashes as empty text. The stream's type, the .NET type, the tenant and the archived flag
/// are not part of the chain.
/// </summary>
public static class AuditChainHash
{
    public const int Length = 32;

    public static ReadOnlyMemory<byte> Genesis { get; } = new byte[Length];

    public static byte[] Compute(ReadOnlySpan<byte> previous, StoredEvent e)
    {
        var text = string.Join('\n',
            Convert.ToHexStringLower(previous),
            e.Seq.ToString(CultureInfo.InvariantCulture),
            e.StreamId.ToString("D"),
            e.Version.ToString(CultureInfo.InvariantCulture),
            e.Type,
            e.Data,
            FormatTimestamp(e.Timestamp),
            e.Id.ToString("D"),
            e.CorrelationId ?? "",
            e.CausationId ?? "",
            e.UserName ?? "",
            e.Headers ?? "");
        return SHA256.HashData(Encoding.UTF8.GetBytes(text));
    }

    public static string FormatTimestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
