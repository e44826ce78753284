using System.Diagnostics;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Hosting;
using Xylo.Api.Tests.Support;
using Xylo.Projections.Rewards;

namespace Xylo.Api.Tests.Operations;

/// <summary>
/// The stale-tolerant reads against the test stack's real streaming replica (pg_basebackup, hot standby): they come from it,
/// a write reaches them within the staleness bound, and a replica that is stopped or too far behind sends them to the
/// primary. Only hosts of this class read from the replica; every test leaves it running and replaying.
/// </summary>
public sealed class ReadReplicaTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>A bound no step of a test reaches on a loaded machine: the replica serves while its replay is paused.</summary>
    private IAlbaHost _patient = null!;

    /// <summary>A one-second bound polled every 200 ms: the fallbacks show at once.</summary>
    private IAlbaHost _strict = null!;

    private TokenResponse _admin = null!;

    public async ValueTask InitializeAsync()
    {
        // A previous run stopped in the middle of a test must not leave the shared replica paused or down.
        await TestReplica.StartAsync();
        await TestReplica.ResumeReplayAsync();
        _patient = await StartHostAsync(maxLagSeconds: 120, pollMilliseconds: 500);
        _strict = await StartHostAsync(maxLagSeconds: 1, pollMilliseconds: 200);
        _admin = await _patient.DevSignInAsync(roles: ["admin", "auditor"]);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TestReplica.StartAsync();
            await TestReplica.ResumeReplayAsync();
        }
        finally
        {
            if (_patient is not null) await _patient.DisposeAsync();
            if (_strict is not null) await _strict.DisposeAsync();
        }
    }

    [Fact]
    public async Task Catalog_audit_and_leaderboard_reads_come_from_the_replica_which_is_a_hot_standby()
    {
        (await TestReplica.InRecoveryAsync()).ShouldBeTrue("the replica is a standby in recovery, not a second primary");
        await ServingAsync(_patient);
        var before = await CreateRewardAsync();
        await Eventually.Get(() => CatalogAsync(_patient), c => c.Contains(before.Id), TimeSpan.FromSeconds(60));
        var servedByReplica = await ReadsAsync(_patient, "rewards", "replica");

        await TestReplica.PauseReplayAsync();
        RewardView during;
        try
        {
            during = await CreateRewardAsync();

            // Committed on the primary (one reward by id reads the primary: it is where the creation's Location points) ...
            await _patient.Scenario(s =>
            {
                s.Get.Url($"/rewards/{during.Id}");
                s.StatusCodeShouldBeOk();
            });
            // ... and absent from the stale-tolerant reads: they are answered by the replica, whose replay is paused.
            var catalog = await CatalogAsync(_patient);
            catalog.ShouldContain(before.Id);
            catalog.ShouldNotContain(during.Id, "GET /rewards was answered by the paused replica");
            (await AuditEventsAsync(_patient, during.Id)).ShouldBe(0, "GET /audit/events was answered by the paused replica");
            (await ReadsAsync(_patient, "rewards", "replica")).ShouldBeGreaterThan(servedByReplica);

            var leaderboardReads = await ReadsAsync(_patient, "leaderboard", "replica");
            await _patient.Scenario(s =>
            {
                s.Get.Url("/leaderboard?period=week");
                s.StatusCodeShouldBeOk();
            });
            (await ReadsAsync(_patient, "leaderboard", "replica")).ShouldBeGreaterThan(leaderboardReads, "the leaderboard's handles come from the replica");
        }
        finally
        {
            await TestReplica.ResumeReplayAsync();
        }

        (await Eventually.Get(() => CatalogAsync(_patient), c => c.Contains(during.Id))).ShouldContain(during.Id, "replay resumed: the replica caught up");
        (await Eventually.Get(() => AuditEventsAsync(_patient, during.Id), n => n > 0)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_write_shows_in_the_stale_reads_once_the_staleness_bound_has_passed()
    {
        var replica = await ServingAsync(_strict);
        var reward = await CreateRewardAsync();
        var clock = Stopwatch.StartNew();

        await Eventually.Get(() => CatalogAsync(_strict), c => c.Contains(reward.Id), replica.StalenessBound);
        output.WriteLine($"the new reward was in GET /rewards after {clock.Elapsed.TotalMilliseconds:0} ms (bound {replica.StalenessBound.TotalSeconds:0.0} s)");
        // The bound is the promise, whichever server answers and however loaded the machine: once it has passed since the
        // commit, a read sees the write. Waiting it out is the point of the test, not a guess at how long something takes.
        var rest = replica.StalenessBound - clock.Elapsed;
        if (rest > TimeSpan.Zero) await Task.Delay(rest, TestContext.Current.CancellationToken);
        (await CatalogAsync(_strict)).ShouldContain(reward.Id);
    }

    [Fact]
    public async Task A_replica_behind_by_more_than_the_bound_sends_reads_to_the_primary_until_it_catches_up()
    {
        var replica = await ServingAsync(_strict);
        var primaryReads = await ReadsAsync(_strict, "rewards", "primary");

        await TestReplica.PauseReplayAsync();
        try
        {
            var reward = await CreateRewardAsync();

            var catalog = await Eventually.Get(() => CatalogAsync(_strict), c => c.Contains(reward.Id), TimeSpan.FromSeconds(60));
            catalog.ShouldContain(reward.Id, "the replica is paused, so the primary answered");
            (await ReadsAsync(_strict, "rewards", "primary")).ShouldBeGreaterThan(primaryReads);
            var check = await ReplicaCheckAsync(_strict);
            check.Status.ShouldBe("Degraded");
            check.Description.ShouldContain("bound");
            (await MetricAsync(_strict, "xylo_db_replica_lag_seconds")).ShouldBeGreaterThan(replica.MaxLag.TotalSeconds);
        }
        finally
        {
            await TestReplica.ResumeReplayAsync();
        }

        await ServingAsync(_strict);
        (await ReplicaCheckAsync(_strict)).Status.ShouldBe("Healthy");
    }

    [Fact]
    public async Task With_the_replica_stopped_reads_are_answered_by_the_primary_and_readiness_is_only_degraded()
    {
        await ServingAsync(_strict);
        var stream = await CreateRewardAsync();

        await TestReplica.StopAsync();
        try
        {
            // At once (the monitor may not have noticed yet: the read fails on the replica and runs again on the primary) and later.
            foreach (var _ in Enumerable.Range(0, 2))
            {
                (await CatalogAsync(_strict)).ShouldContain(stream.Id);
                (await AuditEventsAsync(_strict, stream.Id)).ShouldBeGreaterThan(0);
                foreach (var url in new[] { "/leaderboard", $"/audit/streams/{stream.Id}", $"/audit/streams/{_admin.User.Id}/state?version=1" })
                {
                    await _strict.Scenario(s =>
                    {
                        s.Get.Url(url);
                        s.WithBearer(_admin);
                        s.StatusCodeShouldBeOk();
                    });
                }

                await Eventually.Get(() => Task.FromResult(_strict.Services.GetRequiredService<ReadReplica>().State.Reachable), up => !up);
            }

            var check = await ReplicaCheckAsync(_strict);
            check.Status.ShouldBe("Degraded");
            check.Description.ShouldContain("unreachable");
            (await MetricAsync(_strict, "xylo_db_replica_up")).ShouldBe(0);
        }
        finally
        {
            await TestReplica.StartAsync();
        }

        await ServingAsync(_strict);
        (await MetricAsync(_strict, "xylo_db_replica_up")).ShouldBe(1);
    }

    private static Task<IAlbaHost> StartHostAsync(double maxLagSeconds, int pollMilliseconds) =>
        XyloHost.StartAsync(new Dictionary<string, string?>
        {
            ["DATABASE_REPLICA_URL"] = TestStack.ReplicaUrl,
            ["Database:ReplicaMaxLagSeconds"] = maxLagSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Database:ReplicaPollMilliseconds"] = pollMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, environment: "Development");

    /// <summary>Waits until the host's replica serves reads (measured within its bound).</summary>
    private static async Task<ReadReplica> ServingAsync(IAlbaHost host)
    {
        var replica = host.Services.GetRequiredService<ReadReplica>();
        (await Eventually.Get(() => Task.FromResult(replica.Serving), serving => serving, TimeSpan.FromSeconds(60)))
            .ShouldBeTrue($"the replica never served: {replica.State.Description}");
        return replica;
    }

    private Task<RewardView> CreateRewardAsync() => _patient.CreateRewardAsync(_admin, cost: 10);

    private static async Task<IReadOnlyList<Guid>> CatalogAsync(IAlbaHost host)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/rewards");
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadJsonAsync<List<RewardView>>()).Select(r => r.Id).ToList();
    }

    private async Task<int> AuditEventsAsync(IAlbaHost host, Guid streamId)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url($"/audit/events?streamId={streamId}");
            s.WithBearer(_admin);
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadJsonAsync()).GetProperty("events").GetArrayLength();
    }

    private static async Task<(string Status, string Description)> ReplicaCheckAsync(IAlbaHost host)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBeOk();
        });
        var check = (await result.ReadJsonAsync()).GetProperty("checks").GetProperty("replica");
        return (check.GetProperty("status").GetString()!, check.GetProperty("description").GetString() ?? "");
    }

    private static Task<double> ReadsAsync(IAlbaHost host, string read, string servedBy) =>
        MetricAsync(host, $"xylo_db_replica_reads_total{{read=\"{read}\",served_by=\"{servedBy}\"}}");

    private static async Task<double> MetricAsync(IAlbaHost host, string series)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/metrics");
            s.StatusCodeShouldBeOk();
        });
        return MetricsText.Value(await result.ReadAsTextAsync(), series);
    }
}
