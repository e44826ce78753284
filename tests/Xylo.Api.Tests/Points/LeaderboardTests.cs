using Alba;
using Marten;
using Marten.Events;
using Shouldly;
using Xylo.Api.Features.Points;
using Xylo.Api.Tests.Support;
using Xylo.Projections.Points;

namespace Xylo.Api.Tests.Points;

/// <summary>The leaderboard with its own Redis, so the test can stop it.</summary>
public sealed class LeaderboardTests : IAsyncLifetime
{
    private readonly RedisProcess _redis = new();
    private FakeX _x = null!;
    private IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        await _redis.StartAsync();
        _x = await FakeX.StartAsync();
        _host = await XyloHost.StartAsync(new Dictionary<string, string?>(_x.HostSettings())
        {
            ["REDIS_URL"] = _redis.Url,
            ["Auth:BootstrapAdmins:0"] = "board-admin",
            ["INTEGRATION_API_KEYS"] = PointsFixture.IntegrationKey,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _x.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task The_leaderboard_ranks_earners_from_redis_after_warm_up_and_from_postgresql_without_redis()
    {
        var admin = await XSignIn.SignInWithXAsync(_host, _x, new FakeXUser("board-admin", "ops", "Ops"));
        var first = await XSignIn.SignInWithXAsync(_host, _x);
        var second = await XSignIn.SignInWithXAsync(_host, _x);
        var third = await XSignIn.SignInWithXAsync(_host, _x);
        var prize = $"board-{Guid.NewGuid():N}";
        await _host.AwardAsync(new AwardRequest(null, null, null, null,
        [
            new AwardEntry(first.User.Id, 900_000, "top", $"{prize}-1"),
            new AwardEntry(second.User.Id, 800_000, "second", $"{prize}-2"),
            new AwardEntry(third.User.Id, 700_000, "third", $"{prize}-3"),
        ]));
        await _host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        var warm = await (await _host.Scenario(s =>
        {
            s.Post.Url("/admin/cache/warm");
            s.WithBearer(admin);
            s.StatusCodeShouldBeOk();
        })).ReadJsonAsync<CacheWarmReport>();
        warm.Warmed.Select(w => w.Key).ShouldContain("xylo:leaderboard:all");
        warm.Warmed.Single(w => w.Key == "xylo:leaderboard:all").Entries.ShouldBeGreaterThanOrEqualTo(4);

        var fromRedis = await BoardAsync(second);
        fromRedis.ServedFrom.ShouldBe("redis");
        AssertRanked(fromRedis, first, second, third);
        fromRedis.You.ShouldBe(fromRedis.Top.Single(p => p.UserId == second.User.Id));

        await _redis.StopAsync();

        var fromDatabase = await BoardAsync(third);
        fromDatabase.ServedFrom.ShouldBe("database");
        AssertRanked(fromDatabase, first, second, third);
        // Ties at the cut-off of a full top list may be cut differently (other tests' users share the database).
        var cutOff = fromRedis.Top.Count == 100 ? fromRedis.Top.Min(p => p.Points) : long.MinValue;
        fromDatabase.Top.Where(p => p.Points > cutOff).ShouldBe(fromRedis.Top.Where(p => p.Points > cutOff), ignoreOrder: true,
            "PostgreSQL and the Redis mirror agree (ties may list in either order)");
        fromDatabase.Top.Count.ShouldBe(fromRedis.Top.Count);
        fromDatabase.You!.Points.ShouldBe(700_100);
    }

    [Fact]
    public async Task The_period_must_be_all_month_or_week()
    {
        await _host.Scenario(s =>
        {
            s.Get.Url("/leaderboard?period=decade");
            s.StatusCodeShouldBe(400);
        });
        var week = await (await _host.Scenario(s => s.Get.Url("/leaderboard?period=week"))).ReadJsonAsync<Leaderboard>();
        week.Key.ShouldBe(LeaderboardPeriods.Week(DateTimeOffset.UtcNow));
    }

    private async Task<Leaderboard> BoardAsync(Xylo.Api.Features.Auth.TokenResponse caller) =>
        await (await _host.Scenario(s =>
        {
            s.Get.Url("/leaderboard?period=all&top=100");
            s.WithBearer(caller);
            s.StatusCodeShouldBeOk();
        })).ReadJsonAsync<Leaderboard>();

    /// <summary>Other users may hold points in a shared database: check our three relative to each other and to the ranking rule.</summary>
    private static void AssertRanked(Leaderboard board, params Xylo.Api.Features.Auth.TokenResponse[] expected)
    {
        var places = expected.Select(e => board.Top.Single(p => p.UserId == e.User.Id)).ToList();
        places.Select(p => p.Points).ShouldBe([900_100, 800_100, 700_100]);
        places.Select(p => p.Rank).ShouldBeInOrder(SortDirection.Ascending);
        foreach (var place in places) place.Rank.ShouldBe(1 + board.Top.Count(p => p.Points > place.Points));
        places[0].Handle.ShouldBe(expected[0].User.Handle);
    }
}
