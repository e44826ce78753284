using System.Security.Cryptography;
using System.Text;

namespace Xylo.Domain;

/// <summary>
/// Name-based (version 5 style) ids for streams keyed on a unique thing — an X account, a wallet, a
/// channel — so two concurrent claims of the same thing land on the same stream and collide.
/// </summary>
public static class StableId
{
    private static readonly Guid Namespace = new("5b0a8f7e-61c4-4a57-9a43-3f0d3c7e2a11");

    public static Guid For(string kind, string key)
    {
        var name = Encoding.UTF8.GetBytes($"{kind}:{key}");
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
