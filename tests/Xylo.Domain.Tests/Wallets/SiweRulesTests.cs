using Shouldly;
using Xylo.Domain.Wallets;

namespace Xylo.Domain.Tests.Wallets;

public sealed class SiweRulesTests
{
    private static readonly DateTimeOffset IssuedAt = new(2025, 11, 29, 14, 0, 0, TimeSpan.Zero);

    private static readonly SiweExpectations Expected = new("localhost:3000", "http://localhost:3000", 80002);

    private static readonly SiweMessage Message = new()
    {
        Domain = "localhost:3000",
        Address = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
        Statement = "Sign in to XYLO.",
        Uri = "http://localhost:3000",
        ChainId = 80002,
        Nonce = "a1B2c3D4e5",
        IssuedAt = IssuedAt,
    };

    [Fact]
    public void A_fresh_message_for_this_site_and_chain_is_accepted()
    {
        var result = SiweRules.Check(Message, Expected, IssuedAt.AddSeconds(5));

        result.IsOk.ShouldBeTrue();
        result.ShouldBe(SiweCheckResult.Ok);
        result.Code.ShouldBeNull();
        result.Detail.ShouldBeNull();
    }

    [Fact]
    public void A_message_for_another_domain_is_rejected()
    {
        var result = SiweRules.Check(Message with { Domain = "evil.example" }, Expected, IssuedAt);

        result.IsOk.ShouldBeFalse();
        result.Code.ShouldBe(SiweRejectionCode.WrongDomain);
        result.Detail.ShouldContain("evil.example");
    }

    [Fact]
    public void A_message_for_the_same_host_on_another_port_is_rejected()
    {
        SiweRules.Check(Message with { Domain = "localhost:3001" }, Expected, IssuedAt).Code.ShouldBe(SiweRejectionCode.WrongDomain);
    }

    [Fact]
    public void The_domain_is_compared_without_regard_to_case()
    {
        SiweRules.Check(Message with { Domain = "LocalHost:3000" }, Expected, IssuedAt).IsOk.ShouldBeTrue();
    }

    [Fact]
    public void A_message_whose_scheme_differs_from_the_origin_is_rejected()
    {
        SiweRules.Check(Message with { Scheme = "https" }, Expected, IssuedAt).Code.ShouldBe(SiweRejectionCode.WrongDomain);
    }

    [Fact]
    public void A_message_whose_scheme_matches_the_origin_is_accepted()
    {
        SiweRules.Check(Message with { Scheme = "http" }, Expected, IssuedAt).IsOk.ShouldBeTrue();
    }

    [Theory]
    [InlineData("http://localhost:3000")]
    [InlineData("http://localhost:3000/")]
    [InlineData("http://localhost:3000/login")]
    [InlineData("http://localhost:3000?next=/rewards")]
    [InlineData("http://localhost:3000#wallet")]
    public void A_URI_that_is_the_origin_or_under_it_is_accepted(string uri)
    {
        SiweRules.Check(Message with { Uri = uri }, Expected, IssuedAt).IsOk.ShouldBeTrue();
    }

    [Theory]
    [InlineData("https://localhost:3000")]
    [InlineData("http://localhost:30001")]
    [InlineData("http://localhost:3000.evil.example/login")]
    [InlineData("http://localhost")]
    [InlineData("http://evil.example/http://localhost:3000")]
    public void A_URI_outside_the_origin_is_rejected(string uri)
    {
        var result = SiweRules.Check(Message with { Uri = uri }, Expected, IssuedAt);

        result.IsOk.ShouldBeFalse();
        result.Code.ShouldBe(SiweRejectionCode.WrongUri);
        result.Detail.ShouldContain(uri);
    }

    [Fact]
    public void An_expected_origin_with_a_trailing_slash_means_the_same_origin()
    {
        SiweRules.Check(Message with { Uri = "http://localhost:3000/login" }, Expected with { Uri = "http://localhost:3000/" }, IssuedAt)
            .IsOk.ShouldBeTrue();
    }

    [Fact]
    public void A_message_for_another_chain_is_rejected()
    {
        var result = SiweRules.Check(Message with { ChainId = 137 }, Expected, IssuedAt);

        result.IsOk.ShouldBeFalse();
        result.Code.ShouldBe(SiweRejectionCode.WrongChain);
        result.Detail.ShouldContain("137");
    }

    [Fact]
    public void A_message_issued_within_the_clock_skew_ahead_of_us_is_accepted()
    {
        SiweRules.Check(Message, Expected, IssuedAt.AddSeconds(-60)).IsOk.ShouldBeTrue();
    }

    [Fact]
    public void A_message_issued_further_in_the_future_than_the_clock_skew_is_rejected()
    {
        SiweRules.Check(Message, Expected, IssuedAt.AddSeconds(-61)).Code.ShouldBe(SiweRejectionCode.IssuedInTheFuture);
    }

    [Fact]
    public void The_clock_skew_is_configurable()
    {
        SiweRules.Check(Message, Expected with { ClockSkew = TimeSpan.FromMinutes(5) }, IssuedAt.AddMinutes(-4)).IsOk.ShouldBeTrue();
    }

    [Fact]
    public void A_message_before_its_not_before_time_is_rejected()
    {
        var message = Message with { NotBefore = IssuedAt.AddMinutes(1) };

        SiweRules.Check(message, Expected, IssuedAt.AddSeconds(59)).Code.ShouldBe(SiweRejectionCode.NotYetValid);
    }

    [Fact]
    public void A_message_is_valid_from_its_not_before_time_on()
    {
        var message = Message with { NotBefore = IssuedAt.AddMinutes(1) };

        SiweRules.Check(message, Expected, IssuedAt.AddMinutes(1)).IsOk.ShouldBeTrue();
    }

    [Fact]
    public void A_message_is_expired_from_its_expiration_time_on()
    {
        var message = Message with { ExpirationTime = IssuedAt.AddMinutes(5) };

        SiweRules.Check(message, Expected, IssuedAt.AddMinutes(5).AddTicks(-1)).IsOk.ShouldBeTrue();
        SiweRules.Check(message, Expected, IssuedAt.AddMinutes(5)).Code.ShouldBe(SiweRejectionCode.Expired);
    }

    [Fact]
    public void A_message_without_expiration_is_too_old_after_the_max_age()
    {
        SiweRules.Check(Message, Expected, IssuedAt.AddMinutes(10)).IsOk.ShouldBeTrue();

        var result = SiweRules.Check(Message, Expected, IssuedAt.AddMinutes(10).AddSeconds(1));

        result.IsOk.ShouldBeFalse();
        result.Code.ShouldBe(SiweRejectionCode.TooOld);
        result.Detail.ShouldContain("10 minutes");
    }

    [Fact]
    public void The_max_age_is_configurable()
    {
        SiweRules.Check(Message, Expected with { MaxAge = TimeSpan.FromMinutes(2) }, IssuedAt.AddMinutes(3)).Code.ShouldBe(SiweRejectionCode.TooOld);
    }

    [Fact]
    public void A_message_with_an_expiration_time_is_bound_by_it_rather_than_the_max_age()
    {
        var message = Message with { ExpirationTime = IssuedAt.AddHours(1) };

        SiweRules.Check(message, Expected, IssuedAt.AddMinutes(30)).IsOk.ShouldBeTrue();
    }

    [Fact]
    public void Where_the_message_was_signed_for_is_checked_before_when()
    {
        var message = Message with { Domain = "evil.example", ExpirationTime = IssuedAt };

        SiweRules.Check(message, Expected, IssuedAt.AddDays(1)).Code.ShouldBe(SiweRejectionCode.WrongDomain);
    }
}
