using System.Text.Json;
using Alba;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Channels;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Channels;

[Collection(IdentityCollection.Name)]
public sealed class ChannelVerificationTests(IdentityFixture fixture)
{
    [Fact]
    public async Task The_code_in_the_description_verifies_the_channel_with_title_and_subscribers()
    {
        var user = await fixture.SignInWithXAsync();
        var channelId = NewChannelId();
        var claim = await ClaimAsync(user, channelId, 201);
        fixture.YouTube.AddChannel(channelId, "Creator Channel", $"Welcome! {claim.Code}", 12_300);

        var verified = await VerifyAsync(user, claim.ClaimId, 200);

        var body = await verified.ReadJsonAsync<ChannelVerification>();
        body.ShouldBe(new ChannelVerification(claim.ClaimId, channelId, "Creator Channel", 12_300));
        var channel = (await fixture.Host.ProfileAsync(user)).GetProperty("channel");
        channel.GetProperty("channelId").GetString().ShouldBe(channelId);
        channel.GetProperty("subscribers").GetInt64().ShouldBe(12_300);
    }

    [Fact]
    public async Task Claiming_again_returns_the_same_code()
    {
        var user = await fixture.SignInWithXAsync();
        var channelId = NewChannelId();

        var first = await ClaimAsync(user, channelId, 201);
        var second = await ClaimAsync(user, channelId, 200);

        second.Code.ShouldBe(first.Code);
        second.ClaimId.ShouldBe(first.ClaimId);
    }

    [Fact]
    public async Task A_description_without_the_code_is_a_recorded_failure()
    {
        var user = await fixture.SignInWithXAsync();
        var channelId = NewChannelId();
        var claim = await ClaimAsync(user, channelId, 201);
        fixture.YouTube.AddChannel(channelId, "Creator Channel", "no code here", 10);
        var before = await fixture.Host.EventCountAsync();

        var result = await VerifyAsync(user, claim.ClaimId, 422);

        (await result.ReadJsonAsync()).GetProperty("reason").GetString().ShouldBe("code not found in the channel description");
        (await fixture.Host.EventCountAsync()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task A_channel_youtube_does_not_know_is_a_recorded_failure()
    {
        var user = await fixture.SignInWithXAsync();
        var claim = await ClaimAsync(user, NewChannelId(), 201);

        var result = await VerifyAsync(user, claim.ClaimId, 422);

        (await result.ReadJsonAsync()).GetProperty("reason").GetString().ShouldBe("channel not found");
    }

    [Fact]
    public async Task YouTube_unavailable_is_503_with_retry_after_and_nothing_recorded()
    {
        var user = await fixture.SignInWithXAsync();
        var channelId = NewChannelId();
        var claim = await ClaimAsync(user, channelId, 201);
        fixture.YouTube.AddChannel(channelId, "Creator Channel", claim.Code, 10);
        fixture.YouTube.FailWith(503);
        var before = await fixture.Host.EventCountAsync();
        try
        {
            var result = await VerifyAsync(user, claim.ClaimId, 503);

            int.Parse(result.Context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
            (await fixture.Host.EventCountAsync()).ShouldBe(before);
        }
        finally
        {
            fixture.YouTube.Recover();
        }

        await VerifyAsync(user, claim.ClaimId, 200);
    }

    [Fact]
    public async Task A_channel_verified_by_another_user_is_409()
    {
        var owner = await fixture.SignInWithXAsync();
        var other = await fixture.SignInWithXAsync();
        var channelId = NewChannelId();
        var claim = await ClaimAsync(owner, channelId, 201);
        fixture.YouTube.AddChannel(channelId, "Creator Channel", claim.Code, 10);
        await VerifyAsync(owner, claim.ClaimId, 200);

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new ClaimChannelRequest(channelId)).ToUrl("/me/youtube/claims");
            s.WithBearer(other);
            s.StatusCodeShouldBe(409);
        });
    }

    [Fact]
    public async Task Two_users_verifying_one_channel_at_once_exactly_one_wins()
    {
        var first = await fixture.SignInWithXAsync();
        var second = await fixture.SignInWithXAsync();
        var channelId = NewChannelId();
        var firstClaim = await ClaimAsync(first, channelId, 201);
        var secondClaim = await ClaimAsync(second, channelId, 201);
        fixture.YouTube.AddChannel(channelId, "Contested", $"{firstClaim.Code} {secondClaim.Code}", 10);

        var results = await Task.WhenAll(
            VerifyAsync(first, firstClaim.ClaimId, null),
            VerifyAsync(second, secondClaim.ClaimId, null));

        results.Select(r => r.Context.Response.StatusCode).Order().ShouldBe([200, 409]);
        var owners = new[] { await fixture.Host.ProfileAsync(first), await fixture.Host.ProfileAsync(second) }
            .Count(p => p.GetProperty("channel").ValueKind == JsonValueKind.Object);
        owners.ShouldBe(1);
    }

    [Theory]
    [InlineData("{\"channelId\": \"UC123\"}")]
    [InlineData("{\"channelId\": null}")]
    [InlineData("{\"channelId\": ")]
    public async Task A_malformed_claim_is_400_and_writes_nothing(string body)
    {
        var user = await fixture.SignInWithXAsync();
        var before = await fixture.Host.EventCountAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl("/me/youtube/claims");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithBearer(user);
            s.StatusCodeShouldBe(400);
        });

        (await fixture.Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Verifying_someone_elses_claim_is_404()
    {
        var owner = await fixture.SignInWithXAsync();
        var other = await fixture.SignInWithXAsync();
        var claim = await ClaimAsync(owner, NewChannelId(), 201);

        await VerifyAsync(other, claim.ClaimId, 404);
    }

    private static string NewChannelId() => "UC" + Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..22].Replace('+', '-').Replace('/', '_');

    private async Task<ChannelClaimIssued> ClaimAsync(TokenResponse user, string channelId, int expected)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new ClaimChannelRequest(channelId)).ToUrl("/me/youtube/claims");
            s.WithBearer(user);
            s.StatusCodeShouldBe(expected);
        });
        return await result.ReadJsonAsync<ChannelClaimIssued>();
    }

    private Task<IScenarioResult> VerifyAsync(TokenResponse user, Guid claimId, int? expected) =>
        fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/me/youtube/claims/{claimId}/verify");
            s.WithBearer(user);
            if (expected is { } status) s.StatusCodeShouldBe(status);
            else s.IgnoreStatusCode();
        });
}
