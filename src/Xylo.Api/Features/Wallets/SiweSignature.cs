using System.Buffers;
using System.Globalization;
using System.Numerics;
using Nethereum.Signer;
using Nethereum.Util;
using Xylo.Domain.Wallets;

namespace Xylo.Api.Features.Wallets;

/// <summary>EIP-191 <c>personal_sign</c> checks for sign-in messages: who signed a text, and whether it is the address the message claims.</summary>
public static class SiweSignature
{
    // Order of secp256k1: r and s outside [1, n-1] are not signatures, yet Nethereum would still recover some address from them.
    private static readonly BigInteger CurveOrder =
        BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// The EIP-55 checksummed address whose key signed <paramref name="message"/> (as UTF-8, with the EIP-191 prefix),
    /// or null when <paramref name="signatureHex"/> is not a 65-byte r‖s‖v signature with v of 27, 28, 0 or 1.
    /// </summary>
    public static string? RecoverSigner(string message, string signatureHex)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!TryReadSignature(signatureHex, out var bytes)) return null;

        // Wallets and hardware signers differ on v: 27/28 (Ethereum's legacy form) or the bare recovery id 0/1.
        if (bytes[64] is 0 or 1) bytes[64] += 27;
        if (bytes[64] is not (27 or 28)) return null;
        if (!IsScalar(bytes.AsSpan(0, 32)) || !IsScalar(bytes.AsSpan(32, 32))) return null;

        try
        {
            return new EthereumMessageSigner().EncodeUTF8AndEcRecover(message, "0x" + Convert.ToHexStringLower(bytes));
        }
        catch (ArgumentException)
        {
            // An r that is no x-coordinate on the curve ("Invalid point compression"): nobody's signature.
            return null;
        }
    }

    /// <summary>Whether <paramref name="address"/> is 0x + 40 hex digits in its EIP-55 mixed-case form (all-lower or all-upper case is not).</summary>
    public static bool IsChecksummed(string address) =>
        address is { Length: 42 }
        && address.StartsWith("0x", StringComparison.Ordinal)
        && !address.AsSpan(2).ContainsAnyExcept(HexDigits)
        && AddressUtil.Current.IsChecksumAddress(address);

    /// <summary>
    /// Whether <paramref name="signature"/> over <paramref name="text"/> was made by the key of <paramref name="message"/>'s
    /// address. False, too, when the address is not EIP-55 checksummed (EIP-4361 requires it) or when
    /// <paramref name="text"/> is not the text <paramref name="message"/> was parsed from, so that the checked fields and
    /// the signed bytes can never come from two different messages.
    /// </summary>
    public static bool Verify(SiweMessage message, string text, string signature)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(text);

        return IsChecksummed(message.Address)
            && SiweMessage.TryParse(text, out var signed, out _)
            && signed == message
            && RecoverSigner(text, signature) is { } signer
            && string.Equals(signer, message.Address, StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryReadSignature(string? hex, out byte[] bytes)
    {
        bytes = [];
        if (hex is null) return false;
        var digits = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex.AsSpan(2) : hex.AsSpan();
        if (digits.Length != 130 || digits.ContainsAnyExcept(HexDigits)) return false;
        bytes = Convert.FromHexString(digits);
        return true;
    }

    private static bool IsScalar(ReadOnlySpan<byte> bigEndian)
    {
        var value = new BigInteger(bigEndian, isUnsigned: true, isBigEndian: true);
        return value > BigInteger.Zero && value < CurveOrder;
    }
}
