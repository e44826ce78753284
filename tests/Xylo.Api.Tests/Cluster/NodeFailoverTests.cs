using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Shouldly;
using Xylo.Api.Chain;
using Xylo.Api.Recovery;
using Xylo.Api.Tests.Support;
using Xylo.Api.Features.Points;
using Xylo.Domain.Points;
using Xylo.Projections.Mints;
using Xylo.Projections.Points;

namespace Xylo.Api.Tests.Cluster;

/// <summary>
/// Two real API processes on one database (HotCold: the daemon with its projections, the audit chain, the archive and
/// the mint work runs on whichever node holds its lock). Killing that node with SIGKILL moves every piece to the other
/// one, and nothing is lost, doubled or left behind; a rolling restart of both under write load loses no award.
/// </summary>
public sealed class NodeFailoverTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    /// <summary>Generous: convergence is asserted, never the bound itself (the measured times go to the test's attachments).</summary>
    private static readonly TimeSpan Converges = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task Killing_the_daemon_node_moves_projections_archive_and_mints_to_the_other_node_with_nothing_lost_or_doubled()
    {
        await EnsureTwoNodesAsync();
        var (admin, _) = await cluster.SignInAsync(cluster.Nodes[0], "admin");
        var daemon = await DaemonNodeAsync(admin);
        var survivor = cluster.Nodes.Single(n => n != daemon);

        // The rate limit is one budget in Redis: a client's requests count on both nodes.
        const string client = "192.0.2.77";
        for (var i = 0; i < ClusterFixture.RateLimit; i++) await RewardsAsync(i % 2 == 0 ? daemon : survivor, client, HttpStatusCode.OK);
        await RewardsAsync(daemon, client, HttpStatusCode.TooManyRequests);
        await RewardsAsync(survivor, client, HttpStatusCode.TooManyRequests);

        // Work in flight on both nodes when the daemon's node dies: mints just requested, awards the leaderboard has not seen.
        var reward = await cluster.JsonAsync(daemon, HttpMethod.Post, "/admin/rewards",
            new { name = "Cluster reward", description = "minted across a failover", metadataUri = $"ipfs://bafy{Guid.NewGuid():N}/m.json", cost = 10 },
            admin, HttpStatusCode.Created);
        var rewardId = reward.GetProperty("id").GetGuid();
        var fans = new List<(string Token, Guid Id)>();
        for (var i = 0; i < 4; i++)
        {
            var node = cluster.Nodes[i % 2];
            var fan = await cluster.SignInAsync(node);
            await cluster.LinkWalletAsync(node, fan.Token);
            await AwardAsync(node, admin, fan.Id, 50, $"fan-{fan.Id}");
            fans.Add(fan);
        }

        var mints = new List<(Guid MintId, string RequestId)>();
        foreach (var (fan, i) in fans.SelectMany(f => new[] { f, f }).Select((f, i) => (f, i)))
        {
            var accepted = await cluster.JsonAsync(cluster.Nodes[i % 2], HttpMethod.Post, "/me/mints", new { rewardId }, fan.Token, HttpStatusCode.Accepted);
            mints.Add((accepted.GetProperty("mintId").GetGuid(), accepted.GetProperty("requestId").GetString()!));
            await AwardAsync(cluster.Nodes[(i + 1) % 2], admin, fan.Id, 7, $"before-kill-{accepted.GetProperty("mintId").GetGuid()}");
        }

        var lastBeforeKill = await MaxSequenceAsync();
        var clock = Stopwatch.StartNew();
        await daemon.KillAsync();

        var daemonMoved = await TimeUntilAsync(clock, async () => await cluster.DaemonNodeAsync(admin) == survivor);
        var projectionsCaughtUp = await TimeUntilAsync(clock, async () => await CaughtUpAsync(survivor, admin, lastBeforeKill));
        var archived = await TimeUntilAsync(clock, async () => await ArchivedToAsync() >= lastBeforeKill);
        var minted = await TimeUntilAsync(clock, async () => (await MintsAsync(mints)).All(m => m?.Status == MintView.Confirmed));
        TestContext.Current.AddAttachment("failover-times",
            $"after SIGKILL of the daemon's node: daemon on the survivor {daemonMoved:0.0} s, projections caught up {projectionsCaughtUp:0.0} s, " +
            $"archive past the kill {archived:0.0} s, {mints.Count} mints in flight confirmed {minted:0.0} s");

        // Mints: each confirmed with exactly one token; one nonce each, none skipped, none used twice, although both nodes signed.
        var views = (await MintsAsync(mints)).Select(m => m!).ToList();
        foreach (var ((_, requestId), view) in mints.Zip(views))
        {
            (await cluster.Chain.MintLogsForRequestAsync(cluster.Deployment.RewardsContract, requestId)).ShouldBe(1, $"one token for request {requestId}");
            (await cluster.Chain.TokenIdForRequestAsync(cluster.Deployment.RewardsContract, requestId)).ShouldBe(view.TokenId!.Value);
        }

        views.Select(v => v.Nonce).Distinct().Count().ShouldBe(mints.Count, "one nonce per mint");
        await using (var session = cluster.Store.QuerySession())
        {
            // This database has one signer: the one nonce row both nodes took their nonces from.
            var nonce = (await session.Query<SignerNonce>().ToListAsync(TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
            var signed = await session.Query<SignedTransaction>().Where(t => t.Signer == nonce.Id).Select(t => t.Nonce).ToListAsync(TestContext.Current.CancellationToken);
            signed.Count.ShouldBeGreaterThanOrEqualTo(mints.Count);
            signed.Order().ShouldBe(Enumerable.Range(0, signed.Count).Select(n => (long)n), "every nonce taken has its signed transaction, none twice, no gap");
            nonce.Next.ShouldBe(signed.Count);
            (await cluster.Chain.Eth.Transactions.GetTransactionCount.SendRequestAsync(nonce.Id)).Value.ShouldBe(nonce.Next, "the chain saw every nonce taken");
        }

        // Archive: every event up to the kill and after, once, in order, hash chain intact, whichever node wrote each segment.
        var inArchive = await ArchivedSequencesAsync();
        inArchive.ShouldBe(await SequencesAsync(inArchive[^1]), "every event exactly once, in order, chain intact");

        // Leaderboard: what the survivor built after the takeover equals a replay of the log.
        var built = await LeaderboardAsync();
        built.Count.ShouldBeGreaterThan(0);
        await RebuildAsync(survivor, admin, "LeaderboardEntry");
        (await LeaderboardAsync()).ShouldBe(built);

        // The rate limit survived with Redis: the survivor still refuses the client.
        await RewardsAsync(survivor, client, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Rebuilds_and_pauses_sent_to_the_node_without_the_daemon_run_on_the_node_with_it()
    {
        await EnsureTwoNodesAsync();
        var (admin, _) = await cluster.SignInAsync(cluster.Nodes[0], "admin");
        var daemon = await DaemonNodeAsync(admin);
        var other = cluster.Nodes.Single(n => n != daemon);

        var paused = await cluster.JsonAsync(other, HttpMethod.Post, "/admin/projections/LeaderboardEntry/pause", token: admin);
        paused.GetProperty("shards")[0].GetProperty("state").GetString().ShouldNotBe("running");
        var atDaemon = Projection(await cluster.JsonAsync(daemon, HttpMethod.Get, "/admin/projections", token: admin), "LeaderboardEntry");
        atDaemon.GetProperty("shards")[0].GetProperty("state").GetString().ShouldBe("paused", "the node running the shard paused it");

        var resumed = await cluster.JsonAsync(other, HttpMethod.Post, "/admin/projections/LeaderboardEntry/resume", token: admin);
        resumed.GetProperty("shards")[0].GetProperty("state").GetString().ShouldBe("running");

        await RebuildAsync(other, admin, "LeaderboardEntry");
    }

    [Fact]
    public async Task A_rolling_restart_of_both_nodes_under_write_load_counts_every_acknowledged_award_exactly_once()
    {
        await EnsureTwoNodesAsync();
        var (admin, _) = await cluster.SignInAsync(cluster.Nodes[0], "admin");
        var fans = new List<Guid>();
        for (var i = 0; i < 6; i++) fans.Add((await cluster.SignInAsync(cluster.Nodes[i % 2])).Id);
        await DaemonNodeAsync(admin);
        // The sign-up bonuses (queued by each registration) are counted before the load starts.
        var before = await Eventually.Get(LeaderboardAsync, board => fans.All(f => board.GetValueOrDefault(AllTime(f)) > 0), Converges);
        await Eventually.Get(async () => await CaughtUpAsync(cluster.Nodes[0], admin, await MaxSequenceAsync()), ok => ok, Converges);
        before = await LeaderboardAsync();

        var run = Guid.NewGuid().ToString("N")[..8];
        var acknowledged = new ConcurrentBag<string>();
        var retried = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var source = $"roll-{run}-{worker}-{n}";
                var body = new AwardRequest(fans[(worker + n) % fans.Count], 1, "rolling restart", source, null);
                // A client behind a load balancer: a refused or cut request is sent again, to the other node, until answered.
                for (var attempt = 0; ; attempt++)
                {
                    var node = cluster.Nodes[(worker + n + attempt) % 2];
                    try
                    {
                        using var response = await node.SendJsonAsync(HttpMethod.Post, "/points/awards", body, admin, cluster.NewClient());
                        if (response.IsSuccessStatusCode)
                        {
                            var status = (await response.Content.ReadFromJsonAsync<AwardResponse>())!.Results[0].Status;
                            status.ShouldBeOneOf("awarded", "duplicate");
                            acknowledged.Add(source);
                            break;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ObjectDisposedException)
                    {
                        // The node is down (or being replaced): the next attempt goes to the other one.
                    }

                    Interlocked.Increment(ref retried);
                    await Task.Delay(100);
                }
            }
        })).ToList();

        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
            await cluster.Nodes[i].StopAsync();
            await cluster.Nodes[i].DisposeAsync();
            cluster.Nodes[i] = await cluster.StartNodeAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        acknowledged.Count.ShouldBeGreaterThan(0);
        await using (var session = cluster.Store.QuerySession())
        {
            var prefix = $"award:roll-{run}-";
            var inLog = (await session.Events.QueryRawEventDataOnly<PointsEarned>().Where(e => e.Source.StartsWith(prefix))
                    .ToListAsync(TestContext.Current.CancellationToken))
                .GroupBy(e => e.Source).ToDictionary(g => g.Key, g => g.Count());
            inLog.Where(s => s.Value != 1).Select(s => s.Key).ShouldBeEmpty("each award once");
            inLog.Keys.Order().ShouldBe(acknowledged.Select(s => $"award:{s}").Order(), "every acknowledged award, and only those");
        }

        await Eventually.Get(async () => await CaughtUpAsync(cluster.Nodes[0], admin, await MaxSequenceAsync()), ok => ok, Converges);
        var after = await LeaderboardAsync();
        var gained = fans.Sum(f => after.GetValueOrDefault(AllTime(f)) - before.GetValueOrDefault(AllTime(f)));
        gained.ShouldBe(acknowledged.Count, "the leaderboard counted every award once");
        TestContext.Current.AddAttachment("rolling-restart", $"{acknowledged.Count} awards acknowledged, {retried} requests sent again to the other node");
    }

    private async Task EnsureTwoNodesAsync()
    {
        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            if (!cluster.Nodes[i].HasExited) continue;
            await cluster.Nodes[i].DisposeAsync();
            cluster.Nodes[i] = await cluster.StartNodeAsync();
        }
    }

    private async Task<ApiHostProcess> DaemonNodeAsync(string admin) =>
        await Eventually.Get(() => cluster.DaemonNodeAsync(admin), n => n is not null, Converges)
        ?? throw new TimeoutException("no node runs the daemon");

    private async Task RewardsAsync(ApiHostProcess node, string client, HttpStatusCode expected) =>
        await node.JsonAsync(HttpMethod.Get, "/rewards", client: client, expected: expected);

    private async Task AwardAsync(ApiHostProcess node, string admin, Guid userId, long amount, string source) =>
        await cluster.JsonAsync(node, HttpMethod.Post, "/points/awards", new AwardRequest(userId, amount, "cluster test", source, null), admin);

    private async Task RebuildAsync(ApiHostProcess node, string admin, string projection)
    {
        var accepted = await cluster.JsonAsync(node, HttpMethod.Post, $"/admin/projections/{projection}/rebuild", token: admin, expected: HttpStatusCode.Accepted);
        var location = accepted.GetProperty("location").GetString()!;
        var status = await Eventually.Get(() => cluster.JsonAsync(node, HttpMethod.Get, location, token: admin),
            s => s.GetProperty("status").GetString() is "succeeded" or "failed", Converges);
        status.GetProperty("status").GetString().ShouldBe("succeeded", status.ToString());
    }

    /// <summary>Every async shard, as <paramref name="node"/> reports it, is at the high-water mark and past <paramref name="sequence"/>.</summary>
    private async Task<bool> CaughtUpAsync(ApiHostProcess node, string admin, long sequence)
    {
        var report = await cluster.JsonAsync(node, HttpMethod.Get, "/admin/projections", token: admin);
        var highWater = report.GetProperty("highWaterMark").GetInt64();
        return highWater >= sequence && report.GetProperty("projections").EnumerateArray()
            .Where(p => p.GetProperty("lifecycle").GetString() == "async")
            .SelectMany(p => p.GetProperty("shards").EnumerateArray())
            .All(s => s.GetProperty("sequence").GetInt64() >= highWater && s.GetProperty("state").GetString() == "running");
    }

    private static JsonElement Projection(JsonElement report, string name) =>
        report.GetProperty("projections").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

    /// <summary>Seconds from the kill until <paramref name="done"/> holds; fails the test if it never does within the generous bound.</summary>
    private static async Task<double> TimeUntilAsync(Stopwatch clock, Func<Task<bool>> done)
    {
        (await Eventually.Get(async () =>
        {
            try
            {
                return await done();
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
            {
                return false; // the survivor is busy taking over
            }
        }, ok => ok, Converges)).ShouldBeTrue();
        return clock.Elapsed.TotalSeconds;
    }

    private async Task<List<MintView?>> MintsAsync(List<(Guid MintId, string RequestId)> mints)
    {
        await using var session = cluster.Store.QuerySession();
        var views = await session.LoadManyAsync<MintView>(mints.Select(m => m.MintId));
        return mints.Select(m => views.SingleOrDefault(v => v.Id == m.MintId)).ToList();
    }

    // Ordered by id: a rebuild rewrites the rows, so the table's physical order changes while its content must not.
    private async Task<SortedDictionary<string, long>> LeaderboardAsync()
    {
        await using var session = cluster.Store.QuerySession();
        return new SortedDictionary<string, long>((await session.Query<LeaderboardEntry>().ToListAsync()).ToDictionary(e => e.Id, e => e.Points), StringComparer.Ordinal);
    }

    private static string AllTime(Guid userId) => LeaderboardPeriods.Key(LeaderboardPeriods.AllTime, userId);

    private async Task<long> ArchivedToAsync() =>
        (await new FileSystemArchiveStore(cluster.ArchiveDirectory).LastManifestEntryAsync(CancellationToken.None))?.To ?? 0;

    private async Task<List<long>> ArchivedSequencesAsync()
    {
        var sequences = new List<long>();
        await foreach (var e in ArchiveReader.ReadAsync(new FileSystemArchiveStore(cluster.ArchiveDirectory), RestorePoint.Everything, CancellationToken.None))
            sequences.Add(e.Seq);
        return sequences;
    }

    private async Task<long> MaxSequenceAsync()
    {
        await using var command = cluster.Database.CreateCommand("select coalesce(max(seq_id), 0) from xylo.mt_events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<long>> SequencesAsync(long upTo)
    {
        await using var command = cluster.Database.CreateCommand($"select seq_id from xylo.mt_events where seq_id <= {upTo} order by seq_id");
        await using var reader = await command.ExecuteReaderAsync();
        var sequences = new List<long>();
        while (await reader.ReadAsync()) sequences.Add(reader.GetInt64(0));
        return sequences;
    }
}
