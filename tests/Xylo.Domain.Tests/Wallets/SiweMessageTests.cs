using Shouldly;
using Xylo.Domain.Wallets;

namespace Xylo.Domain.Tests.Wallets;

public sealed class SiweMessageTests
{
    private const string Address = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";

    private static readonly string Full = Lines(
        "localhost:3000 wants you to sign in with your Ethereum account:",
        Address,
        "",
        "Sign in to XYLO to link this wallet.",
        "",
        "URI: http://localhost:3000/login",
        "Version: 1",
        "Chain ID: 80002",
        "Nonce: a1B2c3D4e5",
        "Issued At: 2025-11-29T14:00:00Z",
        "Expiration Time: 2025-11-29T14:10:00Z",
        "Not Before: 2025-11-29T13:59:00Z",
        "Request ID: req-42",
        "Resources:",
        "- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
        "- https://example.com/my-web2-claim.json");

    private static readonly string Minimal = Lines(
        "localhost:3000 wants you to sign in with your Ethereum account:",
        Address,
        "",
        "",
        "URI: http://localhost:3000",
        "Version: 1",
        "Chain ID: 80002",
        "Nonce: 12345678",
        "Issued At: 2025-11-29T14:00:00Z");

    [Fact]
    public void A_full_message_parses_into_every_field()
    {
        SiweMessage.TryParse(Full, out var message, out var error).ShouldBeTrue(error);

        message.Domain.ShouldBe("localhost:3000");
        message.Address.ShouldBe(Address);
        message.Statement.ShouldBe("Sign in to XYLO to link this wallet.");
        message.Uri.ShouldBe("http://localhost:3000/login");
        message.Version.ShouldBe("1");
        message.ChainId.ShouldBe(80002);
        message.Nonce.ShouldBe("a1B2c3D4e5");
        message.IssuedAt.ShouldBe(new DateTimeOffset(2025, 11, 29, 14, 0, 0, TimeSpan.Zero));
        message.ExpirationTime.ShouldBe(new DateTimeOffset(2025, 11, 29, 14, 10, 0, TimeSpan.Zero));
        message.NotBefore.ShouldBe(new DateTimeOffset(2025, 11, 29, 13, 59, 0, TimeSpan.Zero));
        message.RequestId.ShouldBe("req-42");
        message.Resources.ShouldBe(["ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/", "https://example.com/my-web2-claim.json"]);
        message.Scheme.ShouldBeNull();
    }

    [Fact]
    public void A_message_without_a_statement_or_optional_fields_parses()
    {
        SiweMessage.TryParse(Minimal, out var message, out var error).ShouldBeTrue(error);

        message.Statement.ShouldBeNull();
        message.ExpirationTime.ShouldBeNull();
        message.NotBefore.ShouldBeNull();
        message.RequestId.ShouldBeNull();
        message.Resources.ShouldBeEmpty();
        message.Nonce.ShouldBe("12345678");
    }

    [Fact]
    public void The_example_of_the_spec_parses()
    {
        var text = Lines(
            "service.org wants you to sign in with your Ethereum account:",
            "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
            "",
            "I accept the ServiceOrg Terms of Service: https://service.org/tos",
            "",
            "URI: https://service.org/login",
            "Version: 1",
            "Chain ID: 1",
            "Nonce: 32891756",
            "Issued At: 2021-09-30T16:25:24Z",
            "Resources:",
            "- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
            "- https://example.com/my-web2-claim.json");

        SiweMessage.TryParse(text, out var message, out var error).ShouldBeTrue(error);

        message.Statement.ShouldBe("I accept the ServiceOrg Terms of Service: https://service.org/tos");
        message.ToText().ShouldBe(text);
    }

    [Fact]
    public void A_scheme_before_the_domain_is_kept_apart_from_it()
    {
        var text = Minimal.Replace("localhost:3000 wants", "http://localhost:3000 wants", StringComparison.Ordinal);

        SiweMessage.TryParse(text, out var message, out var error).ShouldBeTrue(error);

        message.Scheme.ShouldBe("http");
        message.Domain.ShouldBe("localhost:3000");
    }

    [Fact]
    public void Two_blank_lines_where_the_statement_goes_are_an_empty_statement()
    {
        var text = Minimal.Replace("\n\n\nURI:", "\n\n\n\nURI:", StringComparison.Ordinal);

        SiweMessage.TryParse(text, out var message, out var error).ShouldBeTrue(error);

        message.Statement.ShouldBe("");
        message.ToText().ShouldBe(text);
    }

    [Fact]
    public void Fractional_seconds_and_offsets_are_read_exactly()
    {
        var text = Minimal.Replace("Issued At: 2025-11-29T14:00:00Z", "Issued At: 2025-11-29T15:00:00.1234567+01:00", StringComparison.Ordinal);

        SiweMessage.TryParse(text, out var message, out var error).ShouldBeTrue(error);

        message.IssuedAt.Offset.ShouldBe(TimeSpan.FromHours(1));
        message.IssuedAt.UtcDateTime.ShouldBe(new DateTime(2025, 11, 29, 14, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567));
    }

    [Fact]
    public void Lower_case_t_and_z_are_accepted_as_RFC_3339_allows()
    {
        var text = Minimal.Replace("2025-11-29T14:00:00Z", "2025-11-29t14:00:00z", StringComparison.Ordinal);

        SiweMessage.TryParse(text, out var message, out var error).ShouldBeTrue(error);

        message.IssuedAt.ShouldBe(new DateTimeOffset(2025, 11, 29, 14, 0, 0, TimeSpan.Zero));
    }

    [Theory]
    [MemberData(nameof(CanonicalTexts))]
    public void A_canonical_text_renders_back_to_itself(string text)
    {
        SiweMessage.TryParse(text, out var message, out var error).ShouldBeTrue(error);

        message.ToText().ShouldBe(text);
    }

    public static TheoryData<string> CanonicalTexts() => new(
        Full,
        Minimal,
        Minimal.Replace("localhost:3000 wants", "https://localhost:3000 wants", StringComparison.Ordinal),
        Minimal.Replace("14:00:00Z", "16:00:00.25+02:00", StringComparison.Ordinal),
        Minimal.Replace("14:00:00Z", "09:30:00-04:30", StringComparison.Ordinal),
        Minimal + "\nRequest ID: ",
        Minimal + "\nNot Before: 2025-11-29T14:00:00Z\nResources:\n- urn:xylo:wallet");

    [Fact]
    public void A_message_built_in_code_parses_back_to_an_equal_message()
    {
        var message = new SiweMessage
        {
            Domain = "localhost:3000",
            Address = Address,
            Statement = "Link this wallet to your XYLO account.",
            Uri = "http://localhost:3000",
            ChainId = 80002,
            Nonce = "Zx9Yw8Vu7T",
            IssuedAt = new DateTimeOffset(2025, 11, 29, 14, 0, 0, 123, TimeSpan.Zero).AddTicks(4),
            ExpirationTime = new DateTimeOffset(2025, 11, 29, 16, 10, 0, TimeSpan.FromHours(2)),
            Resources = ["https://xylo.example/terms"],
        };

        SiweMessage.TryParse(message.ToText(), out var parsed, out var error).ShouldBeTrue(error);

        parsed.ShouldBe(message);
        parsed.GetHashCode().ShouldBe(message.GetHashCode());
    }

    [Fact]
    public void A_message_that_the_spec_forbids_cannot_be_rendered()
    {
        var message = new SiweMessage
        {
            Domain = "localhost:3000",
            Address = Address,
            Statement = "two\nlines",
            Uri = "http://localhost:3000",
            ChainId = 80002,
            Nonce = "12345678",
            IssuedAt = new DateTimeOffset(2025, 11, 29, 14, 0, 0, TimeSpan.Zero),
        };

        Should.Throw<InvalidOperationException>(message.ToText).Message.ShouldContain("line 5");
    }

    [Theory]
    [InlineData("header names another chain", "with your Ethereum account:", "with your Bitcoin account:", "line 1:")]
    [InlineData("header without a domain", "localhost:3000 wants", " wants", "line 1:")]
    [InlineData("domain with a path", "localhost:3000 wants", "localhost:3000/login wants", "not an RFC 3986 authority")]
    [InlineData("domain with a non-numeric port", "localhost:3000 wants", "localhost:http wants", "not an RFC 3986 authority")]
    [InlineData("scheme that is not one", "localhost:3000 wants", "1http://localhost:3000 wants", "not an RFC 3986 scheme")]
    [InlineData("address without 0x", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "C02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "line 2:")]
    [InlineData("address with 0X", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "0XC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "line 2:")]
    [InlineData("address too short", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc", "line 2:")]
    [InlineData("address with a non-hex digit", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "0xG02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "line 2:")]
    [InlineData("no blank line after the address", "Cc2\n\nSign", "Cc2\nSign", "line 3: expected a blank line after the address")]
    [InlineData("no blank line after the statement", "wallet.\n\nURI:", "wallet.\nURI:", "blank line after the statement")]
    [InlineData("statement with a quote", "Sign in to XYLO", "Sign in to \"XYLO\"", "line 4: the statement")]
    [InlineData("statement that is not ASCII", "Sign in to XYLO", "Sign in to XYLÖ", "line 4: the statement")]
    [InlineData("relative URI", "URI: http://localhost:3000/login", "URI: /login", "\"URI\" must be an RFC 3986 URI")]
    [InlineData("URI with a space", "URI: http://localhost:3000/login", "URI: http://localhost:3000/log in", "\"URI\" must be an RFC 3986 URI")]
    [InlineData("URI with a broken escape", "URI: http://localhost:3000/login", "URI: http://localhost:3000/%zz", "\"URI\" must be an RFC 3986 URI")]
    [InlineData("label in lower case", "URI: ", "uri: ", "expected \"URI: \"")]
    [InlineData("version 2", "Version: 1", "Version: 2", "\"Version\" must be 1")]
    [InlineData("chain ID that is not a number", "Chain ID: 80002", "Chain ID: amoy", "\"Chain ID\" must be a decimal number")]
    [InlineData("negative chain ID", "Chain ID: 80002", "Chain ID: -1", "\"Chain ID\" must be a decimal number")]
    [InlineData("chain ID beyond 64 bits", "Chain ID: 80002", "Chain ID: 99999999999999999999", "too large")]
    [InlineData("nonce of 7 characters", "Nonce: a1B2c3D4e5", "Nonce: a1B2c3D", "at least 8 ASCII letters or digits")]
    [InlineData("nonce with a dash", "Nonce: a1B2c3D4e5", "Nonce: a1B2-c3D4e5", "at least 8 ASCII letters or digits")]
    [InlineData("timestamp without a T", "Issued At: 2025-11-29T14:00:00Z", "Issued At: 2025-11-29 14:00:00Z", "not an RFC 3339 date-time")]
    [InlineData("timestamp without an offset", "Issued At: 2025-11-29T14:00:00Z", "Issued At: 2025-11-29T14:00:00", "not an RFC 3339 date-time")]
    [InlineData("timestamp on a day that does not exist", "Issued At: 2025-11-29T14:00:00Z", "Issued At: 2025-02-29T14:00:00Z", "no such date")]
    [InlineData("timestamp at hour 24", "Not Before: 2025-11-29T13:59:00Z", "Not Before: 2025-11-29T24:00:00Z", "no such time")]
    [InlineData("timestamp with an offset of 15 hours", "Expiration Time: 2025-11-29T14:10:00Z", "Expiration Time: 2025-11-29T14:10:00+15:00", "beyond")]
    [InlineData("timestamp as a Unix time", "Expiration Time: 2025-11-29T14:10:00Z", "Expiration Time: 1764425400", "not an RFC 3339 date-time")]
    [InlineData("request ID with a space", "Request ID: req-42", "Request ID: req 42", "\"Request ID\" must be RFC 3986 path characters")]
    [InlineData("resource that is not a URI", "- https://example.com/my-web2-claim.json", "- my web2 claim", "not an RFC 3986 URI")]
    [InlineData("resources label with text after it", "Resources:", "Resources: two", "\"Resources:\" alone")]
    [InlineData("resource without its dash", "- https://example.com/my-web2-claim.json", "https://example.com/my-web2-claim.json", "line 16: unexpected")]
    [InlineData("version before URI", "URI: http://localhost:3000/login\nVersion: 1", "Version: 1\nURI: http://localhost:3000/login", "expected \"URI: \" but found the \"Version\" line")]
    [InlineData("not-before before expiration", "Expiration Time: 2025-11-29T14:10:00Z\nNot Before: 2025-11-29T13:59:00Z", "Not Before: 2025-11-29T13:59:00Z\nExpiration Time: 2025-11-29T14:10:00Z", "line 12: \"Expiration Time\" is repeated or out of the order")]
    [InlineData("resources before request ID", "Request ID: req-42\nResources:", "Resources:\nRequest ID: req-42", "\"Request ID\" is repeated or out of the order")]
    [InlineData("nonce twice", "Nonce: a1B2c3D4e5", "Nonce: a1B2c3D4e5\nNonce: a1B2c3D4e5", "expected \"Issued At: \" but found the \"Nonce\" line")]
    [InlineData("missing nonce line", "Nonce: a1B2c3D4e5\n", "", "expected \"Nonce: \" but found the \"Issued At\" line")]
    [InlineData("CRLF line endings", "\n", "\r\n", "LF line endings")]
    public void A_malformed_message_is_rejected_with_the_reason(string _, string part, string replacement, string reason)
    {
        Full.ShouldContain(part);

        SiweMessage.TryParse(Full.Replace(part, replacement, StringComparison.Ordinal), out var message, out var error).ShouldBeFalse();

        message.ShouldBeNull();
        error.ShouldContain(reason);
    }

    [Theory]
    [InlineData("", "line 1:")]
    [InlineData("localhost:3000 wants you to sign in with your Ethereum account:", "line 2: missing the address")]
    [InlineData("localhost:3000 wants you to sign in with your Ethereum account:\n0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n", "line 5: missing \"URI: \"")]
    public void A_truncated_message_is_rejected(string text, string reason)
    {
        SiweMessage.TryParse(text, out _, out var error).ShouldBeFalse();

        error.ShouldContain(reason);
    }

    [Fact]
    public void A_message_cut_off_before_issued_at_is_rejected()
    {
        var text = Minimal[..Minimal.IndexOf("\nIssued At:", StringComparison.Ordinal)];

        SiweMessage.TryParse(text, out _, out var error).ShouldBeFalse();

        error.ShouldBe("line 9: missing \"Issued At: \"");
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\n\n")]
    [InlineData("\nSigned by XYLO")]
    [InlineData(" ")]
    public void Anything_after_the_last_field_is_rejected(string trailing)
    {
        SiweMessage.TryParse(Minimal + trailing, out _, out var error).ShouldBeFalse();

        error.ShouldNotBeNull();
    }

    [Fact]
    public void Text_before_the_header_is_rejected()
    {
        SiweMessage.TryParse("\n" + Minimal, out _, out var error).ShouldBeFalse();

        error.ShouldStartWith("line 1:");
    }

    private static string Lines(params string[] lines) => string.Join('\n', lines);
}
