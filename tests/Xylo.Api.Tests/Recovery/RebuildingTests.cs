using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.EventLog;
using Xylo.Api.Hosting;
using Xylo.Api.Recovery;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Points;
using Xylo.Projections.Points;

namespace Xylo.Api.Tests.Recovery;

/// <summary>The one-pass rebuild (restore, <c>recovery rebuild</c>) against the daemon's views and a replay of the log.</summary>
[Collection(RecoveryCollection.Name)]
public sealed class RebuildingTests(RecoveryFixture fixture)
{
    [Fact]
    public async Task A_restore_gives_the_read_models_of_a_daemon_rebuild_of_the_same_log()
    {
        var (restored, output) = await RestoreAsync("xylo_restore_rebuild");
        try
        {
            output.ShouldContain("views over", Case.Sensitive, "the rebuild reports its events and events/s");

            // Every view of the live database rebuilt by its daemon, one after another (nothing is appended meanwhile: the
            // fixture's digest stays the reference); the async leaderboard then resumes continuous processing.
            var store = (DocumentStore)fixture.Host.Services.GetRequiredService<IDocumentStore>();
            var daemon = fixture.Host.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();
            foreach (var name in store.Options.Projections.All.Select(p => p.Name))
            {
                await daemon.RebuildProjectionAsync(name, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            }

            await daemon.StartAgentAsync($"{LeaderboardProjection.ProjectionName}:All", TestContext.Current.CancellationToken);
            await ((IDocumentStore)store).WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
            (await fixture.DigestAsync(fixture.DatabaseUrl, CritterStackSetup.Schema)).ShouldBe(fixture.LiveDigest, "a daemon rebuild gives the views the appends gave");
            (await fixture.DigestAsync(restored, CritterStackSetup.Schema)).ShouldBe(fixture.LiveDigest, output);
        }
        finally
        {
            await TestDatabases.DropAsync(restored);
        }
    }

    [Fact]
    public async Task Rebuilding_every_view_again_leaves_the_leaderboard_equal_to_a_replay_of_the_log()
    {
        var (restored, _) = await RestoreAsync("xylo_restore_leaderboard");
        try
        {
            await using var database = XyloDatabase.Create(restored, new DatabaseOptions());
            await using var store = new DocumentStore(new StoreOptions().ConfigureXyloStore(database, CritterStackSetup.Schema));
            var log = new EventLogDatabase(database, CritterStackSetup.Schema);
            var head = await log.MaxSequenceAsync(CancellationToken.None);
            var lines = new List<string>();
            await LogReplay.RebuildAllAsync(store, log, head, lines.Add, CancellationToken.None);
            lines.ShouldContain(l => l.StartsWith("wrote LeaderboardEntry", StringComparison.Ordinal));

            await using var session = store.QuerySession();
            var replay = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var earned in await session.Events.QueryRawEventDataOnly<PointsEarned>().ToListAsync(TestContext.Current.CancellationToken))
            {
                foreach (var period in LeaderboardPeriods.Of(earned.EarnedAt))
                {
                    var key = LeaderboardPeriods.Key(period, earned.UserId);
                    replay[key] = replay.GetValueOrDefault(key) + earned.Amount;
                }
            }

            var leaderboard = (await session.Query<LeaderboardEntry>().ToListAsync(TestContext.Current.CancellationToken)).ToDictionary(e => e.Id, e => e.Points);
            replay.ShouldNotBeEmpty();
            leaderboard.OrderBy(e => e.Key, StringComparer.Ordinal).ShouldBe(replay.OrderBy(e => e.Key, StringComparer.Ordinal),
                "two rebuilds of every view count each earning once");
        }
        finally
        {
            await TestDatabases.DropAsync(restored);
        }
    }

    /// <summary>The fixture's archive restored into a new database by the command line, as an operator would.</summary>
    private async Task<(string DatabaseUrl, string Output)> RestoreAsync(string name)
    {
        var url = await TestDatabases.CreateAsync(name);
        var (code, output) = await XyloCli.RunAsync("recovery", "restore", "--archive", fixture.ArchiveDirectory, "--database-url", url);
        if (code == 0) return (url, output);
        await TestDatabases.DropAsync(url);
        throw new ShouldAssertException($"recovery restore exited with {code}: {output}");
    }
}
