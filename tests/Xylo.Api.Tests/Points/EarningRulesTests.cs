using Alba;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Wolverine;
using Wolverine.Tracking;
using Xylo.Api.Features.Channels;
using Xylo.Api.Features.Points;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Users;

namespace Xylo.Api.Tests.Points;

[Collection(PointsCollection.Name)]
public sealed class EarningRulesTests(PointsFixture fixture)
{
    [Fact]
    public async Task Registering_earns_the_sign_up_bonus_once_even_when_the_event_is_delivered_again()
    {
        var user = await fixture.SignInWithXAsync();
        (await fixture.Host.BalanceAsync(user)).Earned.ShouldBe(100);

        await fixture.Host.ExecuteAndWaitAsync(async context =>
            await context.PublishAsync(new UserRegistered(user.User.Id, user.User.Handle, ExternalLogin.X, DateTimeOffset.UtcNow)));

        var balance = await fixture.Host.BalanceAsync(user);
        balance.Earned.ShouldBe(100);
        balance.Available.ShouldBe(100);
        var history = await fixture.Host.HistoryAsync(user);
        var signup = history.Entries.ShouldHaveSingleItem();
        signup.Rule.ShouldBe("signup");
        signup.Source.ShouldBe($"signup:{user.User.Id}");
        signup.Reason.ShouldBe("welcome bonus");
    }

    [Fact]
    public async Task A_verified_channel_earns_its_subscriber_tier()
    {
        var user = await fixture.SignInWithXAsync();
        await VerifyChannelAsync(user, 12_300);

        (await fixture.Host.BalanceAsync(user)).Earned.ShouldBe(100 + 1_000);
    }

    [Fact]
    public async Task Only_the_first_verified_channel_of_a_user_earns_the_channel_bonus()
    {
        var user = await fixture.SignInWithXAsync();
        await VerifyChannelAsync(user, 12_300);
        await VerifyChannelAsync(user, 150_000);
        await VerifyChannelAsync(user, 5);

        (await fixture.Host.BalanceAsync(user)).Earned.ShouldBe(100 + 1_000);
    }

    private async Task VerifyChannelAsync(Xylo.Api.Features.Auth.TokenResponse user, long subscribers)
    {
        var channelId = "UC" + Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..22].Replace('+', '-').Replace('/', '_');
        var claim = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new ClaimChannelRequest(channelId)).ToUrl("/me/youtube/claims");
            s.WithBearer(user);
            s.StatusCodeShouldBe(201);
        });
        var issued = await claim.ReadJsonAsync<ChannelClaimIssued>();
        fixture.YouTube.AddChannel(channelId, "Big Channel", issued.Code, subscribers);

        await fixture.Host.ExecuteAndWaitAsync(_ => fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/me/youtube/claims/{issued.ClaimId}/verify");
            s.WithBearer(user);
            s.StatusCodeShouldBeOk();
        }));
    }

    [Fact]
    public async Task Checking_in_earns_once_per_utc_day_and_every_seventh_day_adds_the_streak_bonus()
    {
        var account = FakeXUser.Random();
        var user = await fixture.SignInWithXAsync(account);
        var first = await CheckInAsync(user, 200);
        first!.Points.ShouldBe(10);
        first.Streak.ShouldBe(1);
        await CheckInAsync(user, 409);

        CheckIn? last = null;
        for (var day = 2; day <= 7; day++)
        {
            fixture.Clock.Advance(TimeSpan.FromDays(1));
            user = await fixture.SignInWithXAsync(account); // yesterday's access token has expired
            last = await CheckInAsync(user, 200);
        }

        last!.Streak.ShouldBe(7);
        last.StreakBonus.ShouldBe(50);
        var balance = await fixture.Host.BalanceAsync(user);
        balance.Earned.ShouldBe(100 + (7 * 10) + 50);
        balance.ShouldBalance();

        fixture.Clock.Advance(TimeSpan.FromDays(2));
        user = await fixture.SignInWithXAsync(account);
        (await CheckInAsync(user, 200))!.Streak.ShouldBe(1, "a missed day restarts the streak");
    }

    [Fact]
    public async Task A_referral_credits_both_sides_once_and_never_oneself()
    {
        var referrer = await fixture.SignInWithXAsync();
        var referee = await fixture.SignInWithXAsync();
        var code = (await (await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me/referral");
            s.WithBearer(referrer);
        })).ReadJsonAsync<MyReferralCode>()).Code;

        await RedeemAsync(referrer, code, 400);
        await RedeemAsync(referee, "NOSUCHCODE", 404);
        await RedeemAsync(referee, code, 200);
        await RedeemAsync(referee, code, 409);

        (await fixture.Host.BalanceAsync(referee)).Earned.ShouldBe(200);
        (await fixture.Host.BalanceAsync(referrer)).Earned.ShouldBe(200);
    }

    private async Task<CheckIn?> CheckInAsync(Xylo.Api.Features.Auth.TokenResponse user, int expected)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Url("/me/checkins");
            s.WithBearer(user);
            s.StatusCodeShouldBe(expected);
        });
        return expected == 200 ? await result.ReadJsonAsync<CheckIn>() : null;
    }

    private Task RedeemAsync(Xylo.Api.Features.Auth.TokenResponse user, string code, int expected) => fixture.Host.Scenario(s =>
    {
        s.Post.Json(new RedeemReferralRequest(code)).ToUrl("/me/referral");
        s.WithBearer(user);
        s.StatusCodeShouldBe(expected);
    });
}
