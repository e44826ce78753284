using System.Security.Cryptography;

namespace Xylo.Api.Features.Points;

/// <summary>A user's referral code (derived from their id, so it never changes) and whom it belongs to.</summary>
public sealed record ReferralCode(string Id, Guid UserId)
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string For(Guid userId)
    {
        var hash = SHA256.HashData(userId.ToByteArray());
        return string.Create(8, hash, (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[bytes[i] % Alphabet.Length];
        });
    }
}
