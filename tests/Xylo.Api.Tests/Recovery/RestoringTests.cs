using Npgsql;
using Shouldly;
using Xylo.Api.Hosting;
using Xylo.Api.Recovery;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Recovery;

[Collection(RecoveryCollection.Name)]
public sealed class RestoringTests(RecoveryFixture fixture)
{
    [Fact]
    public async Task A_restore_until_T1_gives_the_read_models_of_T1_and_a_full_restore_gives_the_live_ones()
    {
        var untilT1 = await TestDatabases.CreateAsync("xylo_restore_t1");
        var full = await TestDatabases.CreateAsync("xylo_restore_full");
        try
        {
            var (code, output) = await XyloCli.RunAsync("recovery", "restore", "--archive", fixture.ArchiveDirectory, "--until", fixture.T1.ToString(), "--database-url", untilT1);
            code.ShouldBe(0, output);
            output.ShouldContain($"last sequence {fixture.T1} ");
            (await fixture.DigestAsync(untilT1, CritterStackSetup.Schema)).ShouldBe(fixture.DigestAtT1, output);

            (code, output) = await XyloCli.RunAsync("recovery", "restore", "--archive", fixture.ArchiveDirectory, "--database-url", full);
            code.ShouldBe(0, output);
            var logDigest = output.Split('\n').Single(l => l.StartsWith("log digest sha256:", StringComparison.Ordinal)).Trim();
            var (digested, digests) = await XyloCli.RunAsync("recovery", "digest", "--database-url", full);
            digested.ShouldBe(0, digests);
            digests.ShouldContain($"read models digest sha256:{fixture.LiveDigest}");
            digests.ShouldContain(logDigest + " (", Case.Sensitive, "the log read back digests as the restore's import of it did");
            (digested, var live) = await XyloCli.RunAsync("recovery", "digest", "--database-url", fixture.DatabaseUrl);
            digested.ShouldBe(0, live);
            live.ShouldContain($"read models digest sha256:{fixture.LiveDigest}");
            live.ShouldContain(logDigest + " (", Case.Sensitive, "the restore's log digests as its source does");
            (await fixture.DigestAsync(full, CritterStackSetup.Schema)).ShouldBe(fixture.LiveDigest, output);
            (await ReadAsync(full, EventLog)).ShouldBe(await ReadAsync(fixture.DatabaseUrl, EventLog), "every event is back with its sequence, ids, version, timestamp and metadata");
            (await ReadAsync(full, Streams)).ShouldBe(await ReadAsync(fixture.DatabaseUrl, Streams), "every stream is back with its type and version");

            (code, output) = await XyloCli.RunAsync("recovery", "restore", "--archive", fixture.ArchiveDirectory, "--database-url", full);
            code.ShouldNotBe(0, "a database that has events is never restored into");
            output.ShouldContain("already has events");
        }
        finally
        {
            await TestDatabases.DropAsync(untilT1);
            await TestDatabases.DropAsync(full);
        }
    }

    [Fact]
    public async Task A_point_in_time_view_equals_the_restore_until_that_moment_and_leaves_live_data_alone()
    {
        var schema = $"pit_{Guid.NewGuid():N}"[..20];
        var (code, output) = await XyloCli.RunAsync(new Dictionary<string, string> { ["DATABASE_URL"] = fixture.DatabaseUrl },
            "recovery", "pit", "--at", fixture.T1Timestamp.ToString("O"), "--schema", schema);
        code.ShouldBe(0, output);
        (await fixture.DigestAsync(fixture.DatabaseUrl, schema)).ShouldBe(fixture.DigestAtT1, output);
        (await fixture.DigestAsync(fixture.DatabaseUrl, CritterStackSetup.Schema)).ShouldBe(fixture.LiveDigest, "the live views are untouched");

        (code, _) = await XyloCli.RunAsync(new Dictionary<string, string> { ["DATABASE_URL"] = fixture.DatabaseUrl },
            "recovery", "pit", "--at", "1", "--schema", CritterStackSetup.Schema);
        code.ShouldNotBe(0, "the live schema is never a point-in-time target");
    }

    /// <summary>Every column of mt_events, row by row.</summary>
    private const string EventLog = """
        select string_agg(concat_ws('|', seq_id, id, stream_id, version, data::text, type, timestamp, tenant_id, mt_dotnet_type,
               correlation_id, causation_id, headers::text, user_name, is_archived), E'\n' order by seq_id)
        from xylo.mt_events
        """;

    /// <summary>
    /// A stream's identity, type, version and last-event time; its created column is the first append's transaction
    /// time, which the log does not hold (a restore takes the first event's timestamp).
    /// </summary>
    private const string Streams = "select string_agg(concat_ws('|', id, type, version, tenant_id, is_archived), E'\\n' order by id) from xylo.mt_streams";

    private static async Task<string> ReadAsync(string url, string sql)
    {
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(url));
        await using var command = database.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
