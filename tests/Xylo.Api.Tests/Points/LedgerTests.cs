using Alba;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Points;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Points;

[Collection(PointsCollection.Name)]
public sealed class LedgerTests(PointsFixture fixture)
{
    [Fact]
    public async Task A_hold_is_posted_or_voided_exactly_once()
    {
        var user = await fixture.SignInWithXAsync();
        var hold = await HoldAsync(user.User.Id, 30, 201);

        (await fixture.Host.BalanceAsync(user)).ShouldSatisfyAllConditions(b => b.Available.ShouldBe(70), b => b.Held.ShouldBe(30));
        await SettleAsync(user.User.Id, hold!.HoldId, "post", 204);
        await SettleAsync(user.User.Id, hold.HoldId, "post", 204);
        await SettleAsync(user.User.Id, hold.HoldId, "void", 409);

        var voided = await HoldAsync(user.User.Id, 50, 201);
        await SettleAsync(user.User.Id, voided!.HoldId, "void", 204);
        await SettleAsync(user.User.Id, voided.HoldId, "post", 409);

        var balance = await fixture.Host.BalanceAsync(user);
        balance.ShouldSatisfyAllConditions(b => b.Available.ShouldBe(70), b => b.Held.ShouldBe(0), b => b.Spent.ShouldBe(30));
        balance.ShouldBalance();
    }

    [Fact]
    public async Task A_hold_nobody_posts_in_time_is_released_by_maintenance()
    {
        var user = await fixture.SignInWithXAsync();
        await HoldAsync(user.User.Id, 40, 201, minutes: 1);

        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        var (_, released) = await fixture.Host.Services.GetRequiredService<PointsMaintenance>().RunOnceAsync(TestContext.Current.CancellationToken);

        released.ShouldBeGreaterThanOrEqualTo(1);
        fixture.Clock.Advance(TimeSpan.FromMinutes(-2)); // so the user's token is valid again
        var balance = await fixture.Host.BalanceAsync(user);
        balance.ShouldSatisfyAllConditions(b => b.Available.ShouldBe(100), b => b.Held.ShouldBe(0));
        (await fixture.Host.HistoryAsync(user)).Entries.ShouldContain(e => e.Kind == "released" && e.Reason == "timeout");
    }

    [Fact]
    public async Task Expiry_removes_only_what_was_not_spent()
    {
        var user = await fixture.SignInWithXAsync();
        var hold = await HoldAsync(user.User.Id, 60, 201);
        await SettleAsync(user.User.Id, hold!.HoldId, "post", 204);

        fixture.Clock.Advance(TimeSpan.FromDays(366));
        try
        {
            await fixture.Host.Services.GetRequiredService<PointsMaintenance>().RunOnceAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            fixture.Clock.Advance(TimeSpan.FromDays(-366));
        }

        var balance = await fixture.Host.BalanceAsync(user);
        balance.ShouldSatisfyAllConditions(
            b => b.Earned.ShouldBe(100), b => b.Spent.ShouldBe(60), b => b.Expired.ShouldBe(40), b => b.Available.ShouldBe(0));
        balance.ShouldBalance();
    }

    [Fact]
    public async Task Fifty_concurrent_holds_on_one_account_never_overdraw()
    {
        var user = await fixture.SignInWithXAsync();
        await fixture.Host.AwardAsync(new { userId = user.User.Id, amount = 900, reason = "seed for the race" });

        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => fixture.Host.Scenario(s =>
        {
            s.Post.Json(new PlaceHoldRequest(30, "race", null)).ToUrl($"/admin/points/{user.User.Id}/holds");
            s.WithRequestHeader("X-Api-Key", PointsFixture.IntegrationKey);
            s.IgnoreStatusCode();
        })));

        var statuses = attempts.Select(a => a.Context.Response.StatusCode).ToList();
        statuses.ShouldAllBe(status => status == 201 || status == 409);
        var placed = statuses.Count(status => status == 201);
        placed.ShouldBeInRange(1, 1000 / 30);
        var balance = await fixture.Host.BalanceAsync(user);
        balance.Held.ShouldBe(placed * 30);
        balance.Available.ShouldBe(1000 - (placed * 30));
        balance.ShouldBalance();
    }

    [Fact]
    public async Task An_adjustment_is_a_new_event_with_its_reason()
    {
        var admin = await fixture.SignInWithXAsync(new FakeXUser("points-admin", "ops", "Ops"));
        var user = await fixture.SignInWithXAsync();

        await AdjustAsync(admin, user.User.Id, new AdjustmentRequest(-30, "duplicate sign-up"), 204);
        await AdjustAsync(admin, user.User.Id, new AdjustmentRequest(5, "goodwill"), 204);
        await AdjustAsync(admin, user.User.Id, new AdjustmentRequest(-1_000, "too much"), 409);
        await AdjustAsync(admin, user.User.Id, new AdjustmentRequest(10, ""), 400);
        await AdjustAsync(user, user.User.Id, new AdjustmentRequest(10, "self-service"), 403);

        var balance = await fixture.Host.BalanceAsync(user);
        balance.Available.ShouldBe(75);
        balance.ShouldBalance();
        var history = (await fixture.Host.HistoryAsync(user)).Entries;
        history.ShouldContain(e => e.Kind == "deducted" && e.Amount == -30 && e.Reason == "duplicate sign-up" && e.By == admin.User.Id.ToString());
        history.ShouldContain(e => e.Kind == "earned" && e.Rule == "adjustment" && e.Reason == "goodwill");
    }

    [Fact]
    public async Task History_pages_newest_first_by_keyset()
    {
        var user = await fixture.SignInWithXAsync();
        for (var i = 0; i < 5; i++) await fixture.Host.AwardAsync(new { userId = user.User.Id, amount = i + 1, reason = $"award {i}" });

        var first = await fixture.Host.HistoryAsync(user, limit: 4);
        var second = await fixture.Host.HistoryAsync(user, before: first.Next, limit: 4);

        first.Entries.Count.ShouldBe(4);
        first.Next.ShouldNotBeNull();
        second.Entries.Count.ShouldBe(2);
        second.Next.ShouldBeNull();
        first.Entries.Concat(second.Entries).Select(e => e.Version).ShouldBeInOrder(SortDirection.Descending);
        second.Entries.Last().Rule.ShouldBe("signup");
    }

    private async Task<HoldPlaced?> HoldAsync(Guid userId, long amount, int expected, int? minutes = null)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new PlaceHoldRequest(amount, "test", minutes)).ToUrl($"/admin/points/{userId}/holds");
            s.WithRequestHeader("X-Api-Key", PointsFixture.IntegrationKey);
            s.StatusCodeShouldBe(expected);
        });
        return expected == 201 ? await result.ReadJsonAsync<HoldPlaced>() : null;
    }

    private Task SettleAsync(Guid userId, Guid holdId, string action, int expected) => fixture.Host.Scenario(s =>
    {
        if (action == "void") s.Post.Json(new VoidHoldRequest("changed my mind")).ToUrl($"/admin/points/{userId}/holds/{holdId}/void");
        else s.Post.Url($"/admin/points/{userId}/holds/{holdId}/post");
        s.WithRequestHeader("X-Api-Key", PointsFixture.IntegrationKey);
        s.StatusCodeShouldBe(expected);
    });

    private Task AdjustAsync(TokenResponse caller, Guid userId, AdjustmentRequest request, int expected) => fixture.Host.Scenario(s =>
    {
        s.Post.Json(request).ToUrl($"/admin/points/{userId}/adjustments");
        s.WithBearer(caller);
        s.StatusCodeShouldBe(expected);
    });
}
