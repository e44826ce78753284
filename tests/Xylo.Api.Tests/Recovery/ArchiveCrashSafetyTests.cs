using Marten;
using Marten.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Shouldly;
using Xylo.Api.EventLog;
using Xylo.Api.Hosting;
using Xylo.Api.Recovery;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Recovery;

public sealed class ArchiveCrashSafetyTests
{
    [Fact]
    public async Task A_host_that_stops_with_an_open_segment_is_continued_by_the_next_without_gaps_or_duplicates()
    {
        var databaseUrl = await TestDatabases.CreateAsync("xylo_archive_crash");
        var directory = Path.Combine(Path.GetTempPath(), "xylo-archive-tests", Guid.NewGuid().ToString("N"));
        try
        {
            // No segment closes: the host stops with every event only in its open buffer,
            // while the daemon's progress for the subscription is already past them.
            await using (var first = await RecoveryFixture.StartHostAsync(databaseUrl, directory, segmentSeconds: 3600, segmentEvents: 100_000))
            {
                for (var i = 0; i < 3; i++) await first.DevSignInAsync();
                await first.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
                var last = await MaxSequenceAsync(databaseUrl);
                (await Eventually.Get(() => ArchiveProgressAsync(databaseUrl), p => p >= last, TimeSpan.FromSeconds(30))).ShouldBe(last);
                first.Services.GetRequiredService<ArchiveWriter>().ClosedTo.ShouldBeLessThan(last, "some events were still in the open segment");
            }

            await using (var second = await RecoveryFixture.StartHostAsync(databaseUrl, directory))
            {
                await second.DevSignInAsync();
                await second.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
                await RecoveryFixture.WaitUntilArchivedAsync(second, await MaxSequenceAsync(databaseUrl));
            }

            (await ArchivedAsync(directory)).ShouldBe(await AllSequencesAsync(databaseUrl), "every event exactly once, in order, chain intact");
        }
        finally
        {
            await TestDatabases.DropAsync(databaseUrl);
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_node_that_lost_the_archive_to_another_never_appends_a_stale_segment_and_the_overtaken_writer_continues()
    {
        var databaseUrl = await TestDatabases.CreateAsync("xylo_archive_fence");
        var root = Path.Combine(Path.GetTempPath(), "xylo-archive-tests", Guid.NewGuid().ToString("N"));
        try
        {
            // Events in the log (and archive_head created); this host's own segment never closes.
            await using (var host = await RecoveryFixture.StartHostAsync(databaseUrl, Path.Combine(root, "host"), segmentSeconds: 3600, segmentEvents: 100_000))
            {
                for (var i = 0; i < 3; i++) await host.DevSignInAsync();
            }

            var last = await MaxSequenceAsync(databaseUrl);
            var middle = last / 2;
            var clock = new ShiftedClock();
            var cancel = CancellationToken.None;

            // Two nodes' writers on one archive: the old node buffered up to the middle, then the daemon moved and
            // the new node buffered up to the end; both segments come due and the two nodes tick in the given order.
            async Task RaceAsync(string directory, bool oldTicksFirst, Func<ArchiveWriter, ArchiveWriter, Task> then, Func<Task>? betweenTicks = null)
            {
                await using var old = Writer(databaseUrl, directory, clock);
                await using var current = Writer(databaseUrl, directory, clock);
                await old.AcceptAsync(middle, cancel);
                await current.AcceptAsync(last, cancel);
                clock.Advance(TimeSpan.FromMinutes(2));
                await (oldTicksFirst ? old : current).TickAsync(cancel);
                if (betweenTicks is not null) await betweenTicks();
                await (oldTicksFirst ? current : old).TickAsync(cancel);
                await then(old, current);
            }

            var movedOn = Path.Combine(root, "moved-on");
            await RaceAsync(movedOn, oldTicksFirst: false, (old, current) =>
            {
                current.ClosedTo.ShouldBe(last);
                old.ClosedTo.ShouldBe(0, "the old node's segment was refused");
                return Task.CompletedTask;
            });
            (await ManifestAsync(movedOn)).ShouldBe([(1L, last)]);
            (await ArchivedAsync(movedOn)).ShouldBe(await AllSequencesAsync(databaseUrl), "every event exactly once, in order, chain intact");

            // The new writer crashed after appending its segment to the manifest and before moving archive_head:
            // the head still says where the old node believes the archive ends, and the manifest refuses it.
            var headBehind = Path.Combine(root, "head-behind");
            await RaceAsync(headBehind, oldTicksFirst: false, (old, current) =>
            {
                current.ClosedTo.ShouldBe(last);
                old.ClosedTo.ShouldBe(0, "the manifest refused the old node's segment");
                return Task.CompletedTask;
            }, betweenTicks: () => MoveHeadBackAsync(databaseUrl, headBehind));
            (await ManifestAsync(headBehind)).ShouldBe([(1L, last)]);
            (await ArchivedAsync(headBehind)).ShouldBe(await AllSequencesAsync(databaseUrl), "every event exactly once, in order, chain intact");

            // The old node closes first: the new writer is refused and drops its buffer; with no new page (a quiet
            // system), its next ticks start again from the manifest up to the last page it was given.
            var overtaken = Path.Combine(root, "overtaken");
            await RaceAsync(overtaken, oldTicksFirst: true, async (old, current) =>
            {
                old.ClosedTo.ShouldBe(middle);
                current.ClosedTo.ShouldBe(0, "refused: the archive had moved on");
                await current.TickAsync(cancel);
                clock.Advance(TimeSpan.FromMinutes(2));
                await current.TickAsync(cancel);
                current.ClosedTo.ShouldBe(last);
            });
            (await ManifestAsync(overtaken)).ShouldBe([(1L, middle), (middle + 1, last)]);
            (await ArchivedAsync(overtaken)).ShouldBe(await AllSequencesAsync(databaseUrl), "every event exactly once, in order, chain intact");
        }
        finally
        {
            await TestDatabases.DropAsync(databaseUrl);
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task An_archive_beyond_the_databases_log_is_refused_retried_every_30_s_and_never_becomes_the_head()
    {
        var databaseUrl = await TestDatabases.CreateAsync("xylo_archive_beyond");
        var root = Path.Combine(Path.GetTempPath(), "xylo-archive-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var host = await RecoveryFixture.StartHostAsync(databaseUrl, Path.Combine(root, "host"), segmentSeconds: 3600, segmentEvents: 100_000))
            {
                await host.DevSignInAsync();
            }

            var last = await MaxSequenceAsync(databaseUrl);
            // The archive of a longer history: this database was restored to an earlier point.
            var directory = Path.Combine(root, "longer");
            var now = DateTimeOffset.UtcNow;
            await new FileSystemArchiveStore(directory).AppendManifestAsync(new ArchiveSegment(
                ArchiveSegment.NameFor(1, last + 1_000), 1, last + 1_000, 5, 1, last + 1_000, now, now, new string('a', 64), ArchiveSegment.Genesis), CancellationToken.None);

            var clock = new ShiftedClock();
            await using var writer = Writer(databaseUrl, directory, clock);
            (await Should.ThrowAsync<InvalidOperationException>(() => writer.AcceptAsync(last, CancellationToken.None)))
                .Message.ShouldContain("restored to an earlier point");
            (await Should.ThrowAsync<InvalidOperationException>(() => writer.TickAsync(CancellationToken.None)))
                .Message.ShouldContain("restored to an earlier point", customMessage: "the first tick tries again");
            await writer.TickAsync(CancellationToken.None);
            clock.Advance(TimeSpan.FromSeconds(31));
            await Should.ThrowAsync<InvalidOperationException>(() => writer.TickAsync(CancellationToken.None));

            writer.ClosedTo.ShouldBe(0);
            (await HeadRowsAsync(databaseUrl, directory)).ShouldBe(0, "an archive beyond the log is no head: the lag counts from the first event");
        }
        finally
        {
            await TestDatabases.DropAsync(databaseUrl);
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<long> HeadRowsAsync(string databaseUrl, string directory)
    {
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(databaseUrl));
        await using var command = database.CreateCommand($"select count(*) from xylo.{ArchiveSchema.HeadTable} where location = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = directory });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task MoveHeadBackAsync(string databaseUrl, string directory)
    {
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(databaseUrl));
        await using var command = database.CreateCommand($"update xylo.{ArchiveSchema.HeadTable} set closed_to = 0, sha256 = $1 where location = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ArchiveSegment.Genesis });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = directory });
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }

    /// <summary>A writer as one node has it, with segments that close only when the test moves the clock.</summary>
    private static ArchiveWriter Writer(string databaseUrl, string directory, TimeProvider clock)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Archive:Directory"] = directory,
            ["Archive:SegmentSeconds"] = "60",
            ["Archive:SegmentEvents"] = "100000",
        }).Build();
        var environment = new HostingEnvironment { EnvironmentName = "Development", ContentRootPath = directory };
        // Each writer stands for a node of its own, with its own pool.
        var database = XyloDatabase.Create(databaseUrl, new DatabaseOptions());
        return new ArchiveWriter(configuration, environment, new FileSystemArchiveStore(directory),
            new EventLogDatabase(database, CritterStackSetup.Schema), new ArchiveHeadTable(database, CritterStackSetup.Schema),
            NullLogger<ArchiveWriter>.Instance, clock);
    }

    private static async Task<List<(long From, long To)>> ManifestAsync(string directory) =>
        (await new FileSystemArchiveStore(directory).ReadManifestAsync(CancellationToken.None)).Select(s => (s.From, s.To)).ToList();

    private static async Task<List<long>> ArchivedAsync(string directory)
    {
        var archived = new List<long>();
        await foreach (var e in ArchiveReader.ReadAsync(new FileSystemArchiveStore(directory), RestorePoint.Everything, CancellationToken.None))
            archived.Add(e.Seq);
        return archived;
    }

    private static async Task<long> MaxSequenceAsync(string url)
    {
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(url));
        return await new EventLogDatabase(database, CritterStackSetup.Schema).MaxSequenceAsync(CancellationToken.None);
    }

    private static async Task<long> ArchiveProgressAsync(string url)
    {
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(url));
        await using var command = database.CreateCommand("select coalesce(max(last_seq_id), 0) from xylo.mt_event_progression where name like 'Archive%'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<long>> AllSequencesAsync(string url)
    {
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(url));
        await using var command = database.CreateCommand("select seq_id from xylo.mt_events order by seq_id");
        var sequences = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) sequences.Add(reader.GetInt64(0));
        return sequences;
    }
}
