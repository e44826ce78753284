using Nethereum.Signer;
using Shouldly;
using Xylo.Api.Features.Wallets;
using Xylo.Domain.Wallets;

namespace Xylo.Api.Tests.Wallets;

/// <summary>Plain unit tests: real secp256k1 keys and EIP-191 signatures, no host.</summary>
public sealed class SiweSignatureTests
{
    private readonly EthECKey key = EthECKey.GenerateKey();
    private readonly EthereumMessageSigner signer = new();

    [Fact]
    public void The_signer_of_a_real_sign_in_message_is_recovered()
    {
        var text = MessageFor(key).ToText();

        SiweSignature.RecoverSigner(text, signer.EncodeUTF8AndSign(text, key)).ShouldBe(key.GetPublicAddress());
    }

    [Fact]
    public void A_message_signed_by_its_address_verifies()
    {
        var message = MessageFor(key);
        var text = message.ToText();

        SiweSignature.Verify(message, text, signer.EncodeUTF8AndSign(text, key)).ShouldBeTrue();
    }

    [Fact]
    public void A_message_signed_by_another_key_does_not_verify()
    {
        var message = MessageFor(key);
        var text = message.ToText();
        var signature = signer.EncodeUTF8AndSign(text, EthECKey.GenerateKey());

        SiweSignature.RecoverSigner(text, signature).ShouldNotBe(message.Address);
        SiweSignature.Verify(message, text, signature).ShouldBeFalse();
    }

    [Fact]
    public void A_tampered_message_does_not_verify()
    {
        var original = MessageFor(key);
        var signature = signer.EncodeUTF8AndSign(original.ToText(), key);
        var tampered = original with { ChainId = 137 };

        SiweSignature.RecoverSigner(tampered.ToText(), signature).ShouldNotBe(original.Address);
        SiweSignature.Verify(tampered, tampered.ToText(), signature).ShouldBeFalse();
    }

    [Fact]
    public void A_signature_checked_against_fields_from_another_text_does_not_verify()
    {
        var signed = MessageFor(key);
        var text = signed.ToText();
        var other = signed with { Uri = "http://localhost:3000/elsewhere" };

        SiweSignature.Verify(other, text, signer.EncodeUTF8AndSign(text, key)).ShouldBeFalse();
    }

    [Fact]
    public void A_message_whose_address_is_not_checksummed_does_not_verify_even_when_signed_by_it()
    {
        var message = MessageFor(key) with { Address = key.GetPublicAddress().ToLowerInvariant() };
        var text = message.ToText();
        var signature = signer.EncodeUTF8AndSign(text, key);

        SiweSignature.RecoverSigner(text, signature).ShouldBe(key.GetPublicAddress());
        SiweSignature.Verify(message, text, signature).ShouldBeFalse();
    }

    [Fact]
    public void A_recovery_id_of_0_or_1_in_place_of_27_or_28_recovers_the_same_signer()
    {
        var text = MessageFor(key).ToText();
        var signature = signer.EncodeUTF8AndSign(text, key);
        var v = Convert.ToByte(signature[^2..], 16);
        var bareRecoveryId = signature[..^2] + (v - 27).ToString("x2", System.Globalization.CultureInfo.InvariantCulture);

        v.ShouldBeOneOf((byte)27, (byte)28);
        SiweSignature.RecoverSigner(text, bareRecoveryId).ShouldBe(key.GetPublicAddress());
    }

    [Fact]
    public void A_signature_without_0x_or_in_upper_case_hex_is_read_the_same()
    {
        var text = MessageFor(key).ToText();
        var signature = signer.EncodeUTF8AndSign(text, key);

        SiweSignature.RecoverSigner(text, signature[2..]).ShouldBe(key.GetPublicAddress());
        SiweSignature.RecoverSigner(text, "0x" + signature[2..].ToUpperInvariant()).ShouldBe(key.GetPublicAddress());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("0x1234")]
    [InlineData("not a signature")]
    [InlineData("0x" + Hex64 + Hex64 + "1b00")]
    [InlineData("0x" + Hex64 + Hex64 + "1")]
    [InlineData("0x" + Hex64 + Hex64 + "zz")]
    [InlineData("0x" + Hex64 + Hex64 + "1d")]
    [InlineData("0x" + Hex64 + Hex64 + "02")]
    [InlineData("0x" + Zero64 + Hex64 + "1b")]
    [InlineData("0x" + Hex64 + Zero64 + "1c")]
    [InlineData("0x" + CurveOrder + Hex64 + "1b")]
    [InlineData("0x" + Hex64 + Max64 + "1c")]
    public void A_malformed_signature_recovers_no_one(string signature)
    {
        SiweSignature.RecoverSigner(MessageFor(key).ToText(), signature).ShouldBeNull();
    }

    [Fact]
    public void A_null_signature_recovers_no_one()
    {
        SiweSignature.RecoverSigner("text", null!).ShouldBeNull();
    }

    [Fact]
    public void Random_65_byte_signatures_never_throw()
    {
        var random = new Random(4361);
        var text = MessageFor(key).ToText();
        var bytes = new byte[65];
        for (var i = 0; i < 300; i++)
        {
            random.NextBytes(bytes);
            bytes[64] = (byte)(27 + (i % 2));

            // About half of all r values are no x-coordinate on the curve; the rest recover some unrelated address.
            Should.NotThrow(() => SiweSignature.RecoverSigner(text, Convert.ToHexString(bytes))).ShouldNotBe(key.GetPublicAddress());
        }
    }

    [Fact]
    public void A_checksummed_address_is_recognised()
    {
        SiweSignature.IsChecksummed(key.GetPublicAddress()).ShouldBeTrue();
        SiweSignature.IsChecksummed("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2").ShouldBeTrue();
    }

    [Theory]
    [InlineData("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2")]
    [InlineData("0xC02AAA39B223FE8D0A0E5C4F27EAD9083C756CC2")]
    [InlineData("0xc02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2")]
    [InlineData("0XC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2")]
    [InlineData("C02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2")]
    [InlineData("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc")]
    [InlineData("0xG02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2")]
    [InlineData("")]
    public void An_address_not_in_its_EIP_55_form_is_not_checksummed(string address)
    {
        SiweSignature.IsChecksummed(address).ShouldBeFalse();
    }

    private const string Hex64 = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string Zero64 = "0000000000000000000000000000000000000000000000000000000000000000";
    private const string Max64 = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    private const string CurveOrder = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

    private static SiweMessage MessageFor(EthECKey signingKey) => new()
    {
        Domain = "localhost:3000",
        Address = signingKey.GetPublicAddress(),
        Statement = "Sign in to XYLO to link this wallet.",
        Uri = "http://localhost:3000",
        ChainId = 80002,
        Nonce = "a1B2c3D4e5f6",
        IssuedAt = new DateTimeOffset(2025, 11, 29, 14, 0, 0, TimeSpan.Zero),
        ExpirationTime = new DateTimeOffset(2025, 11, 29, 14, 10, 0, TimeSpan.Zero),
        Resources = ["https://localhost:3000/terms"],
    };
}
