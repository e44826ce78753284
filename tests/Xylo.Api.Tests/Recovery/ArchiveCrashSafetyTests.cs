using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
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

            var archived = new List<long>();
            await foreach (var e in ArchiveReader.ReadAsync(new FileSystemArchiveStore(directory), RestorePoint.Everything, CancellationToken.None))
                archived.Add(e.Seq);
            archived.ShouldBe(await AllSequencesAsync(databaseUrl), "every event exactly once, in order, chain intact");
        }
        finally
        {
            await TestDatabases.DropAsync(databaseUrl);
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<long> MaxSequenceAsync(string url)
    {
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(url));
        return await EventLog.MaxSequenceAsync(database, CritterStackSetup.Schema, CancellationToken.None);
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
