using System.Text.Json;
using Alba;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Points;
using Xylo.Projections.Points;

namespace Xylo.Api.Tests.Admin;

[Collection(DevelopmentCollection.Name)]
public sealed class ProjectionsAdminTests(DevelopmentFixture fixture)
{
    private const string Leaderboard = "LeaderboardEntry";
    private IAlbaHost Host => fixture.Host;

    [Fact]
    public async Task Every_projection_and_subscription_is_listed_with_its_position_lag_and_state()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var report = await RunningAsync(admin);
        var highWater = report.GetProperty("highWaterMark").GetInt64();
        highWater.ShouldBeGreaterThan(0);

        var board = Projection(report, Leaderboard);
        board.GetProperty("kind").GetString().ShouldBe("projection");
        board.GetProperty("lifecycle").GetString().ShouldBe("async");
        var shard = board.GetProperty("shards").EnumerateArray().Single();
        shard.GetProperty("shard").GetString().ShouldBe("LeaderboardEntry:All");
        shard.GetProperty("sequence").GetInt64().ShouldBeLessThanOrEqualTo(highWater);
        shard.GetProperty("lagEvents").GetInt64().ShouldBe(highWater - shard.GetProperty("sequence").GetInt64());

        var chain = Projection(report, "AuditChain");
        chain.GetProperty("kind").GetString().ShouldBe("subscription");
        chain.GetProperty("shards")[0].GetProperty("state").GetString().ShouldBe("running");

        var balance = Projection(report, "PointsAccount");
        balance.GetProperty("lifecycle").GetString().ShouldBe("inline");
        balance.GetProperty("shards")[0].GetProperty("lagEvents").GetInt64().ShouldBe(0);

        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var progress = await session.DocumentStore.Advanced.AllProjectionProgress(token: TestContext.Current.CancellationToken);
        progress.Single(p => p.ShardName == "HighWaterMark").Sequence.ShouldBeGreaterThanOrEqualTo(highWater);
    }

    [Fact]
    public async Task A_rebuild_through_http_while_commands_keep_arriving_converges_to_a_replay_of_the_log()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        await RunningAsync(admin);
        var fans = new[] { await Host.DevSignInAsync(), await Host.DevSignInAsync(), await Host.DevSignInAsync() };

        using var stop = new CancellationTokenSource();
        var writes = Task.Run(async () =>
        {
            var written = 0;
            while (!stop.IsCancellationRequested || written < 20)
            {
                await Host.AwardEachAsync(admin, fans[written % fans.Length].User.Id, 1 + (written % 7));
                written++;
            }

            return written;
        }, TestContext.Current.CancellationToken);

        var accepted = await Host.Scenario(s =>
        {
            s.Post.Url($"/admin/projections/{Leaderboard}/rebuild");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(202);
        });
        var location = accepted.Context.Response.Headers.Location.ToString();
        location.ShouldStartWith("/admin/projections/rebuilds/");
        (await accepted.ReadJsonAsync()).GetProperty("status").GetString().ShouldBe("queued");

        var status = await Eventually.Get(() => Host.GetJsonAsync(location, admin),
            s => s.GetProperty("status").GetString() is "succeeded" or "failed", TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        var written = await writes;
        status.GetProperty("status").GetString().ShouldBe("succeeded", status.ToString());
        status.GetProperty("totalEvents").GetInt64().ShouldBeGreaterThan(0);
        status.GetProperty("processedEvents").GetInt64().ShouldBe(status.GetProperty("totalEvents").GetInt64());
        status.TryGetProperty("durationSeconds", out _).ShouldBeTrue(status.ToString());
        written.ShouldBeGreaterThanOrEqualTo(20);

        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        foreach (var fan in fans)
        {
            // The replay: every PointsEarned in the fan's stream, read from the log.
            var earned = (await session.Events.FetchStreamAsync(fan.User.Id, token: TestContext.Current.CancellationToken))
                .Select(e => e.Data).OfType<PointsEarned>().Sum(e => e.Amount);
            var entry = await session.LoadAsync<LeaderboardEntry>(LeaderboardPeriods.Key(LeaderboardPeriods.AllTime, fan.User.Id),
                TestContext.Current.CancellationToken);
            entry.ShouldNotBeNull().Points.ShouldBe(earned);
        }

        var report = await RunningAsync(admin);
        Projection(report, Leaderboard).GetProperty("shards")[0].GetProperty("state").GetString().ShouldBe("running");
    }

    [Fact]
    public async Task An_inline_projection_is_rebuilt_through_the_daemon_to_the_same_view()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var fan = await Host.DevSignInAsync();
        await Host.AwardEachAsync(admin, fan.User.Id, 42, 58);
        var before = await Host.BalanceAsync(fan);
        await RunningAsync(admin);

        // Without the view the rebuild has something to do: an equal balance afterwards can only come from the replay.
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Delete<Xylo.Domain.Points.PointsAccount>(fan.User.Id);
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var query = store.QuerySession())
        {
            (await query.LoadAsync<Xylo.Domain.Points.PointsAccount>(fan.User.Id, TestContext.Current.CancellationToken)).ShouldBeNull();
        }

        var accepted = await Host.Scenario(s =>
        {
            s.Post.Url("/admin/projections/PointsAccount/rebuild");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(202);
        });
        var location = accepted.Context.Response.Headers.Location.ToString();
        var status = await Eventually.Get(() => Host.GetJsonAsync(location, admin),
            s => s.GetProperty("status").GetString() is "succeeded" or "failed", TimeSpan.FromSeconds(120));
        status.GetProperty("status").GetString().ShouldBe("succeeded", status.ToString());
        status.GetProperty("eventsPerSecond").GetDouble().ShouldBeGreaterThan(0, "the job reports its rate beside its events");

        var after = await Host.BalanceAsync(fan);
        after.ShouldBe(before);
        after.Earned.ShouldBe(200, "sign-up bonus and two awards");
    }

    [Fact]
    public async Task A_paused_shard_stops_shows_in_readiness_and_catches_up_after_resume()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var fan = await Host.DevSignInAsync();
        await RunningAsync(admin);
        try
        {
            var paused = await PostAsync(admin, $"/admin/projections/{Leaderboard}/pause");
            paused.GetProperty("shards")[0].GetProperty("state").GetString().ShouldBe("paused");

            var ready = await (await Host.Scenario(s => s.Get.Url("/health/ready"))).ReadJsonAsync();
            var projections = ready.GetProperty("checks").GetProperty("projections");
            projections.GetProperty("status").GetString().ShouldBe("Degraded");
            projections.GetProperty("description").GetString()!.ShouldContain("LeaderboardEntry:All is paused");

            await Host.AwardEachAsync(admin, fan.User.Id, 500);
            var behind = await Eventually.Get(() => Host.GetJsonAsync("/admin/projections", admin),
                r => Projection(r, Leaderboard).GetProperty("shards")[0].GetProperty("lagEvents").GetInt64() > 0);
            var shard = Projection(behind, Leaderboard).GetProperty("shards")[0];
            shard.GetProperty("lagEvents").GetInt64().ShouldBeGreaterThan(0, "the high-water mark moves on without it");
            shard.GetProperty("state").GetString().ShouldBe("paused", "the coordinator does not restart an admin's pause");
        }
        finally
        {
            var resumed = await PostAsync(admin, $"/admin/projections/{Leaderboard}/resume");
            resumed.GetProperty("shards")[0].GetProperty("state").GetString().ShouldBe("running");
        }

        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var entry = await session.LoadAsync<LeaderboardEntry>(LeaderboardPeriods.Key(LeaderboardPeriods.AllTime, fan.User.Id),
            TestContext.Current.CancellationToken);
        entry.ShouldNotBeNull().Points.ShouldBe(600, "sign-up bonus and the award made while paused");
        var healthy = await Eventually.Get(async () => await (await Host.Scenario(s => s.Get.Url("/health/ready"))).ReadJsonAsync(),
            r => r.GetProperty("checks").GetProperty("projections").GetProperty("status").GetString() == "Healthy");
        healthy.GetProperty("checks").GetProperty("projections").GetProperty("status").GetString().ShouldBe("Healthy");
    }

    [Fact]
    public async Task Unknown_names_are_404_inline_projections_cannot_pause_and_users_are_403()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var user = await Host.DevSignInAsync();
        foreach (var action in new[] { "rebuild", "pause", "resume" })
        {
            await PostAsync(admin, $"/admin/projections/NoSuchView/{action}", 404);
            await PostAsync(user, $"/admin/projections/{Leaderboard}/{action}", 403);
        }

        await Host.GetJsonAsync($"/admin/projections/rebuilds/{Guid.NewGuid()}", admin, 404);
        await Host.GetJsonAsync("/admin/projections", user, 403);
        await Host.Scenario(s =>
        {
            s.Get.Url("/admin/projections");
            s.StatusCodeShouldBe(401);
        });
        await PostAsync(admin, "/admin/projections/PointsAccount/pause", 409);
    }

    [Fact]
    public async Task The_command_line_lists_projections_and_subscriptions_of_the_real_program()
    {
        var (exitCode, text) = await XyloCli.RunAsync(new Dictionary<string, string> { ["COLUMNS"] = "200" }, "projections", "list");
        exitCode.ShouldBe(0, text);
        var squeezed = text.Replace("\n", "", StringComparison.Ordinal).Replace("│", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        squeezed.ShouldContain("AuditChain");
        squeezed.ShouldContain("Subscription");
        squeezed.ShouldContain("PointsAccount");
    }

    private async Task<JsonElement> RunningAsync(TokenResponse admin)
    {
        var report = await Eventually.Get(() => Host.GetJsonAsync("/admin/projections", admin),
            r => r.GetProperty("daemonRunsHere").GetBoolean()
                 && Projection(r, Leaderboard).GetProperty("shards")[0].GetProperty("state").GetString() == "running",
            TimeSpan.FromSeconds(60));
        report.GetProperty("daemonRunsHere").GetBoolean().ShouldBeTrue("the test host leads the daemon");
        return report;
    }

    private async Task<JsonElement> PostAsync(TokenResponse caller, string url, int status = 200)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Url(url);
            s.WithBearer(caller);
            s.StatusCodeShouldBe(status);
        });
        return await result.ReadJsonAsync();
    }

    private static JsonElement Projection(JsonElement report, string name) =>
        report.GetProperty("projections").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
}
