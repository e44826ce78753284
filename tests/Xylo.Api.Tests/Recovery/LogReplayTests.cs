using Marten;
using Npgsql;
using Shouldly;
using Xylo.Api.EventLog;
using Xylo.Api.Hosting;
using Xylo.Api.Recovery;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Mints;
using Xylo.Domain.Rewards;
using Xylo.Domain.Vault;
using Xylo.Projections.Points;

namespace Xylo.Api.Tests.Recovery;

/// <summary>
/// The one-pass replay (<c>recovery rebuild</c>, restore) against Marten's daemon rebuild of the same log: every row of
/// every view equal, revisions included, also when a view writes and forgets its documents many times over.
/// </summary>
[Collection(RecoveryCollection.Name)]
public sealed class LogReplayTests(RecoveryFixture fixture)
{
    [Fact]
    public async Task A_one_pass_replay_writes_every_view_row_for_row_as_the_daemon_rebuild_does()
    {
        var url = await TestDatabases.CreateAsync("xylo_log_replay");
        try
        {
            var (code, output) = await XyloCli.RunAsync("recovery", "restore", "--archive", fixture.ArchiveDirectory, "--database-url", url);
            code.ShouldBe(0, output);

            // Not named as the API's pool: `recovery rebuild` below refuses a database an API is connected to.
            await using var database = XyloDatabase.Create(url, new DatabaseOptions { CustomPlans = true, ApplicationName = TestsApplicationName });
            await using var store = new DocumentStore(new StoreOptions().ConfigureXyloStore(database, CritterStackSetup.Schema));
            await AppendRewardsMintsAndVaultAsync(store);
            var log = new EventLogDatabase(database, CritterStackSetup.Schema);
            var head = await log.MaxSequenceAsync(CancellationToken.None);
            var tables = ReadModels.Tables(store);

            await DaemonRebuild.RebuildAllAsync(store, CancellationToken.None);
            var daemon = await RowsAsync(database, tables);
            foreach (var table in new[] { "mt_doc_pointsaccount", "mt_doc_userprofile", "mt_doc_leaderboardentry", "mt_doc_rewardview", "mt_doc_mintview", "mt_doc_vaultposition", "mt_doc_vaultlog" })
            {
                daemon.Count(r => r.Table == table).ShouldBeGreaterThan(0, $"the log gives {table} rows to compare");
            }

            var lines = new List<string>();
            var replay = await LogReplay.RebuildAllAsync(store, log, head, lines.Add, CancellationToken.None);
            Same(await RowsAsync(database, tables), daemon, "one read, every document in memory");
            replay.Documents.ShouldBe(daemon.Count);
            lines.ShouldContain(l => l.StartsWith("rebuilt 13 views over", StringComparison.Ordinal));

            // Ranges of 7 sequence numbers and a flush after every one: documents are written, forgotten, loaded back and
            // upserted again, and a vault position meets its reorg in a later range than its deposit.
            await LogReplay.RebuildAllAsync(store, log, head, _ => { }, CancellationToken.None, flushAt: 1, readBatch: 7);
            Same(await RowsAsync(database, tables), daemon, "flushed after every range");

            await using var connection = await database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using var progress = new NpgsqlCommand(
                $"select count(*) from {CritterStackSetup.Schema}.mt_event_progression where name like '%:All' and name = any($1) and last_seq_id = $2", connection);
            progress.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = store.Options.Projections.All.Select(p => $"{p.Name}:All").ToArray() });
            progress.Parameters.Add(new NpgsqlParameter<long> { TypedValue = head });
            ((long)(await progress.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).ShouldBe(store.Options.Projections.All.Count, "every view is marked at the head: the daemon does not count the log again");

            // The operator's command, on a database no API is connected to.
            var (rebuilt, rebuildOutput) = await XyloCli.RunAsync(new Dictionary<string, string> { ["DATABASE_URL"] = url }, "recovery", "rebuild");
            rebuilt.ShouldBe(0, rebuildOutput);
            rebuildOutput.ShouldContain($"rebuilt 13 views ({daemon.Count} documents) from {head} events");
            Same(await RowsAsync(database, tables), daemon, "recovery rebuild");
        }
        finally
        {
            await TestDatabases.DropAsync(url);
        }
    }

    [Fact]
    public async Task Recovery_rebuild_refuses_a_database_an_api_is_running_on_and_changes_nothing()
    {
        // The fixture's host is an API on its database (its daemon, its pool).
        // Named otherwise, so that only the API's own connections can be what the command refuses.
        await using var database = XyloDatabase.Create(fixture.DatabaseUrl, new DatabaseOptions { ApplicationName = TestsApplicationName });
        var before = await RowsAsync(database, fixture.ReadModelTables);

        var (code, output) = await XyloCli.RunAsync(new Dictionary<string, string> { ["DATABASE_URL"] = fixture.DatabaseUrl }, "recovery", "rebuild");

        code.ShouldNotBe(0, output);
        output.ShouldContain("an API is running on this database");
        (await RowsAsync(database, fixture.ReadModelTables)).ShouldBe(before, "nothing emptied, nothing written");
    }

    private const string TestsApplicationName = "xylo-tests";

    private sealed record Row(string Table, string Id, string Data, long Version);

    /// <summary>
    /// Equal rows; the leaderboard's revision counts the statements that added to an entry (one per daemon page, one per
    /// replay batch), so only its data is compared.
    /// </summary>
    private static void Same(IReadOnlyList<Row> actual, IReadOnlyList<Row> expected, string how)
    {
        static Row Comparable(Row r) => r.Table == "mt_doc_leaderboardentry" ? r with { Version = 0 } : r;
        actual.Select(Comparable).ToList().ShouldBe(expected.Select(Comparable).ToList(), how);
    }

    private static async Task<IReadOnlyList<Row>> RowsAsync(NpgsqlDataSource database, IReadOnlyList<string> tables)
    {
        var rows = new List<Row>();
        await using var connection = await database.OpenConnectionAsync();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"select id::text, data::text, mt_version from {CritterStackSetup.Schema}.{table} order by id", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(new Row(table, reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    /// <summary>
    /// What the fixture's activity does not reach: rewards (a claim, a retirement), mints (one failed) and vault logs of two
    /// wallets (a reorg), appended in interleaved sessions.
    /// </summary>
    private static async Task AppendRewardsMintsAndVaultAsync(DocumentStore store)
    {
        var at = DateTimeOffset.UtcNow;
        var rewards = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7()).ToList();
        var mints = Enumerable.Range(0, 4).Select(_ => Guid.CreateVersion7()).ToList();
        var logs = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToList();
        string[] wallets = ["0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000b2"];
        const string token = "0x00000000000000000000000000000000000000c3";

        await using (var session = store.LightweightSession())
        {
            for (var i = 0; i < rewards.Count; i++)
            {
                session.Events.StartStream<Reward>(rewards[i], new RewardCreated(rewards[i], $"reward {i}", "a test reward", $"ipfs://reward-{i}", 10 * (i + 1),
                    i == 0 ? null : 5, null, null, "admin", at));
            }

            session.Events.StartStream<VaultLog>(logs[0], new VaultDepositObserved(logs[0], "0x01", 0, 10, "0xb10", wallets[0], token, "1000", 18, at));
            await session.SaveChangesAsync();
        }

        for (var i = 0; i < mints.Count; i++)
        {
            await using var session = store.LightweightSession();
            var reward = rewards[i % rewards.Count];
            session.Events.StartStream<Mint>(mints[i], new MintRequested(mints[i], Guid.CreateVersion7(), reward, wallets[i % 2], "ipfs://reward", 10,
                $"request-{i}", at, SupplyUnlimited: reward == rewards[0]));
            if (reward != rewards[0]) session.Events.Append(reward, new RewardSupplyClaimed(reward, mints[i], at));
            if (i < 3)
            {
                session.Events.StartStream<VaultLog>(logs[1 + i],
                    new VaultDepositObserved(logs[1 + i], $"0x1{i}", i, 11 + i, $"0xb1{i}", wallets[i % 2], token, $"{100 * (i + 1)}", 18, at));
            }

            await session.SaveChangesAsync();
        }

        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<VaultLog>(logs[4], new VaultWithdrawalObserved(logs[4], "0x99", 9, 20, "0xb20", wallets[1], token, "50", 18, at));
            session.Events.Append(mints[1], new MintFailed(mints[1], Guid.Empty, "out of gas", at));
            session.Events.Append(rewards[1], new RewardSupplyReturned(rewards[1], mints[1], "the mint failed", at));
            session.Events.Append(rewards[2], new RewardRetired(rewards[2], "admin", at));
            session.Events.Append(logs[0], new VaultEventReorged(logs[0], VaultLogKind.Deposit, "0x01", 0, 10, "0xb10", wallets[0], token, "1000", 9, at));
            await session.SaveChangesAsync();
        }
    }
}
