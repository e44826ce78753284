using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using JasperFx.CommandLine;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Xylo.Api.EventLog;
using Xylo.Api.Hosting;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Recovery;

public sealed class RecoveryInput : NetCoreInput
{
    [Description("verify, restore, pit, rebuild or digest")]
    public string Action { get; set; } = "";

    [Description("The archive directory (default: Archive:Directory)")]
    public string? ArchiveFlag { get; set; }

    [Description("restore: stop after this sequence number or ISO-8601 timestamp")]
    public string? UntilFlag { get; set; }

    [Description("pit: the moment to build the views at, a sequence number or ISO-8601 timestamp")]
    public string? AtFlag { get; set; }

    [Description("pit: the new schema the views are built in; digest: the schema to digest (default: the live one)")]
    public string? SchemaFlag { get; set; }

    [Description("restore: the empty target database; pit: the database of the new schema; digest: the database to digest (default: the API's own)")]
    public string? DatabaseUrlFlag { get; set; }
}

/// <summary>
/// <c>recovery verify|restore|pit|rebuild|digest</c>: checks the continuous archive, restores it into an empty database,
/// builds every read model as of a moment into a separate schema for auditors, rebuilds every read model from the log in
/// one pass (<see cref="LogReplay"/>, API stopped), or prints the digests of a database's log and read models (to
/// compare a restore with its source).
/// </summary>
// No square brackets here: the command line renders descriptions as console markup, where they are styles ("help" failed on them).
[Description("Archive recovery: verify, restore, pit, rebuild (every view from the log in one pass, API stopped) or digest (of a database's log and read models); options --archive DIR, --until T and --database-url URL, for pit --at T --schema NAME, for digest --schema NAME", Name = "recovery")]
public sealed class RecoveryCommand : JasperFxAsyncCommand<RecoveryInput>
{
    public override async Task<bool> Execute(RecoveryInput input)
    {
        using var host = input.BuildHost();
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var options = ArchiveOptions.From(configuration, host.Services.GetRequiredService<IHostEnvironment>());
        var archive = new FileSystemArchiveStore(input.ArchiveFlag is { } dir ? Path.GetFullPath(dir) : options.Directory);
        var secrets = host.Services.GetRequiredService<IOptions<XyloSecrets>>().Value;
        var databaseUrl = input.DatabaseUrlFlag ?? secrets.DatabaseUrlOrThrow();
        try
        {
            return input.Action switch
            {
                "verify" => await VerifyAsync(archive),
                "restore" => await RestoreAsync(ArchiveReader.ReadAsync(archive, RestorePoint.Parse(input.UntilFlag), CancellationToken.None),
                    databaseUrl, CritterStackSetup.Schema, $"archive {archive.Location} until {RestorePoint.Parse(input.UntilFlag)}"),
                "pit" => await PointInTimeAsync(input, host.Services.GetRequiredService<EventLogDatabase>(), databaseUrl),
                "rebuild" => await RebuildAsync((DocumentStore)host.Services.GetRequiredService<IDocumentStore>(), host.Services.GetRequiredService<EventLogDatabase>(),
                    host.Services.GetRequiredService<NpgsqlDataSource>()),
                "digest" => await DigestAsync((DocumentStore)host.Services.GetRequiredService<IDocumentStore>(), databaseUrl, input.SchemaFlag ?? CritterStackSetup.Schema),
                _ => Fail("action must be verify, restore, pit, rebuild or digest"),
            };
        }
        catch (ArchiveCorruptException e)
        {
            return Fail($"archive verification FAILED at segment {e.Segment}: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NpgsqlException)
        {
            return Fail(e.Message);
        }
    }

    private static async Task<bool> RebuildAsync(DocumentStore store, EventLogDatabase log, NpgsqlDataSource database)
    {
        // The replay empties and rewrites the views a running API reads and writes (the inline snapshots its commands load):
        // refused while an API is connected. One view can be rebuilt while it runs, by POST /admin/projections/{name}/rebuild.
        await using (var api = database.CreateCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and application_name = $1"))
        {
            api.Parameters.Add(new NpgsqlParameter<string> { TypedValue = DatabaseOptions.ApiApplicationName });
            if ((long)(await api.ExecuteScalarAsync())! is var connections and > 0)
            {
                return Fail($"an API is running on this database ({connections} connections named {DatabaseOptions.ApiApplicationName}): stop it before " +
                            "`recovery rebuild`, which empties and rewrites the views it reads and writes; while it runs, rebuild one view with " +
                            "POST /admin/projections/{name}/rebuild");
            }
        }

        var head = await log.MaxSequenceAsync(CancellationToken.None);
        var result = await LogReplay.RebuildAllAsync(store, log, head, line => Console.Error.WriteLine(line), CancellationToken.None);
        Console.WriteLine($"rebuilt {store.Options.Projections.All.Count} views ({result.Documents} documents) from {head} events in {result.Elapsed.TotalSeconds:F1} s " +
                          $"({head / Math.Max(result.Elapsed.TotalSeconds, 1e-6):F0} events/s)");
        return true;
    }

    /// <summary>
    /// The digests a restore is compared by: its log's (the restore prints the one it wrote) and its read models'. Read
    /// only; about as long as the restore's own writes (PostgreSQL prints every document as text).
    /// </summary>
    private static async Task<bool> DigestAsync(DocumentStore store, string databaseUrl, string schema)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(schema, "^[a-z_][a-z0-9_]{0,62}$"))
            return Fail("--schema must be lower-case letters, digits, underscores");
        var clock = Stopwatch.StartNew();
        await using var database = XyloDatabase.Create(databaseUrl,
            new DatabaseOptions { CustomPlans = true, ApplicationName = DatabaseOptions.ReplayApplicationName });
        var log = EventLogImporter.LogDigestAsync(LiveEventsAsync(new EventLogDatabase(database, schema), RestorePoint.Everything, CancellationToken.None),
            CancellationToken.None);
        var views = ReadModelDigest.ComputeAsync(database, schema, ReadModels.Tables(store), CancellationToken.None);
        var ((logDigest, events), (viewsDigest, rows)) = (await log, await views);
        Console.WriteLine($"log digest sha256:{logDigest} ({events} events)");
        Console.WriteLine($"read models digest sha256:{viewsDigest} ({rows} rows)");
        Console.Error.WriteLine($"digested schema {schema} in {clock.Elapsed.TotalSeconds:F1} s");
        return true;
    }

    private static async Task<bool> VerifyAsync(FileSystemArchiveStore archive)
    {
        var manifest = await archive.ReadManifestAsync(CancellationToken.None);
        long events = 0;
        StoredEvent? last = null;
        await foreach (var e in ArchiveReader.ReadAsync(archive, RestorePoint.Everything, CancellationToken.None))
        {
            events++;
            last = e;
        }

        var orphans = (await archive.ListSegmentsAsync(CancellationToken.None)).Except(manifest.Select(s => s.Name)).ToList();
        foreach (var orphan in orphans)
        {
            await Console.Error.WriteLineAsync($"note: {orphan} is not in the manifest (left by a crash before its manifest line); ignored");
        }

        Console.WriteLine(manifest.Count == 0
            ? $"archive {archive.Location}: empty"
            : $"archive {archive.Location}: OK, {manifest.Count} segments, {events} events, sequences 1-{manifest[^1].To}, " +
              $"last event {last?.Seq} at {last?.Timestamp.ToString("O", CultureInfo.InvariantCulture)}, head sha256 {manifest[^1].Sha256}");
        return true;
    }

    private static async Task<bool> PointInTimeAsync(RecoveryInput input, EventLogDatabase live, string targetUrl)
    {
        if (input.SchemaFlag is not { Length: > 0 } schema || !System.Text.RegularExpressions.Regex.IsMatch(schema, "^[a-z_][a-z0-9_]{0,62}$"))
            return Fail("pit needs --schema <name> (lower-case letters, digits, underscores)");
        if (schema == CritterStackSetup.Schema) return Fail($"pit never writes into the live schema {CritterStackSetup.Schema}");
        if (input.AtFlag is null) return Fail("pit needs --at <sequence|ISO-8601 timestamp>");

        var at = RestorePoint.Parse(input.AtFlag);
        var source = input.ArchiveFlag is { } dir
            ? ArchiveReader.ReadAsync(new FileSystemArchiveStore(Path.GetFullPath(dir)), at, CancellationToken.None)
            : LiveEventsAsync(live, at, CancellationToken.None);
        return await RestoreAsync(source, targetUrl, schema, $"schema {CritterStackSetup.Schema} as of {at}");
    }

    private static async IAsyncEnumerable<StoredEvent> LiveEventsAsync(EventLogDatabase log, RestorePoint at,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var after = 0L;
        while (true)
        {
            var batch = await log.ReadAsync(after, long.MaxValue, 10_000, cancellation);
            if (batch.Count == 0) yield break;
            foreach (var e in batch)
            {
                if (at.IsPast(e)) yield break;
                yield return e;
            }

            after = batch[^1].Seq;
        }
    }

    /// <summary>Events into an empty event store, then every projection rebuilt from them: a restore and a point-in-time view alike.</summary>
    private static async Task<bool> RestoreAsync(IAsyncEnumerable<StoredEvent> events, string databaseUrl, string schema, string what)
    {
        var clock = Stopwatch.StartNew();
        await using var database = XyloDatabase.Create(databaseUrl,
            new DatabaseOptions { CustomPlans = true, ApplicationName = DatabaseOptions.ReplayApplicationName });
        await using var store = new DocumentStore(new StoreOptions().ConfigureXyloStore(database, schema));
        var importer = new EventLogImporter(database, schema);
        await importer.EnsureEmptyAsync(CancellationToken.None);

        await Console.Error.WriteLineAsync($"restoring {what} into schema {schema}");
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        // The views fold while the events are imported (one read of the archive, the folds on the other core). Once the
        // events are copied, the log's streams, indexes and keys are built in the import's transaction while the views are
        // written. The read models' digest is `recovery digest`'s (on demand, like the source's it is compared with).
        var importTime = TimeSpan.Zero;
        EventLogImporter.PendingImport? pending = null;
        Task? indexing = null;
        try
        {
            var (imported, _) = await LogReplay.AlongsideAsync(store, new EventLogDatabase(database, schema), events, async tee =>
                {
                    pending = await importer.CopyAsync(tee,
                        (count, rate) => Console.Error.WriteLine($"imported {count:N0} events ({rate:N0} events/s)"), CancellationToken.None);
                    importTime = clock.Elapsed;
                    indexing = IndexAsync(pending, importer);
                    return pending.Result;
                },
                result => result.LastSequence, line => Console.Error.WriteLine(line), CancellationToken.None);
            var viewsTime = clock.Elapsed - importTime;
            await indexing!;
            Console.Error.WriteLine($"indexed the log {(clock.Elapsed - importTime - viewsTime).TotalSeconds:F1} s after the views were written");

            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(
                $"restored {imported.Events} events, {imported.Streams} streams into schema {schema} in {seconds:F1} s " +
                $"({imported.Events / Math.Max(seconds, 1e-6):F0} events/s; events copied in {importTime.TotalSeconds:F1} s with the views folding alongside, " +
                $"then the views written in {viewsTime.TotalSeconds:F1} s while the log was indexed)");
            Console.WriteLine($"last sequence {imported.LastSequence} at {imported.LastTimestamp?.ToString("O", CultureInfo.InvariantCulture) ?? "-"}");
            Console.WriteLine($"log digest sha256:{imported.LogDigest}");
        }
        finally
        {
            // A failure while the log is being indexed waits for it to stop before its connection is closed (rolled back).
            if (indexing is not null) await indexing.ContinueWith(_ => { }, TaskScheduler.Default);
            if (pending is not null) await pending.DisposeAsync();
        }

        return true;
    }

    /// <summary>The import completed (streams, indexes, keys, sequence, commit), then fresh planner statistics for the copied log.</summary>
    private static async Task IndexAsync(EventLogImporter.PendingImport pending, EventLogImporter importer)
    {
        await pending.CompleteAsync(CancellationToken.None);
        await importer.AnalyzeAsync(CancellationToken.None);
    }

    private static bool Fail(string message)
    {
        Console.Error.WriteLine(message);
        return false;
    }
}
