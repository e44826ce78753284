using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Xylo.Api.Recovery;

namespace Xylo.Benchmarks;

internal sealed record CommandRun(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr, double Seconds,
    Dictionary<string, double> Cores, List<string> Busiest);

/// <summary>
/// The rebuild and restore scenarios, sharing one seeded log. In order: (restore) the API with the archive on and an
/// earn pass while <c>xylo_archive_lag_seconds</c> is sampled from /metrics; the API stopped, a realistic log seeded
/// by COPY (<see cref="EventLogSeeder"/>); (rebuild) <c>dotnet Xylo.Api.dll projections rebuild</c>, the product's
/// command line, with the API stopped; (restore) the API again until its archive reaches the head of the log, then
/// <c>dotnet Xylo.Api.dll recovery restore</c> of that archive into an empty database, rebuild included.
/// </summary>
internal static partial class RecoveryScenario
{
    private const string RestoreDatabase = "xylo_restore";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Rows and figures go straight into the run's, so a later step's failure keeps what was measured before it.</summary>
    public static async Task RunAsync(BenchOptions options, HttpClient http, IReadOnlyDictionary<string, string> goals,
        List<Row> rows, Dictionary<string, object?> figures, CancellationToken cancellation)
    {
        var rebuild = options.Wants("rebuild");
        var restore = options.Wants("restore");
        var archive = Path.Combine(options.BenchDir, "archive", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss", Inv));
        var settings = new Dictionary<string, string>
        {
            ["Archive__Enabled"] = restore ? "true" : "false",
            ["Archive__Directory"] = archive,
        };

        // From an empty database: what earlier scenarios left (audit's month-spread COPY log, earn's awards, mints)
        // would otherwise count towards the seeded log and put a month-old head in front of the archive.
        var dropped = await EmptyDatabaseAsync(options, cancellation);
        Console.WriteLine($"bench: recovery: database emptied (dropped schemas: {(dropped.Count == 0 ? "none" : string.Join(", ", dropped))})");

        // db-apply before the first start creates the schema; with the archive on, its lag is measured under earn load.
        object? lag = null;
        await using (var api = await ApiProcess.StartAsync(options, http, cancellation, settings))
        {
            if (restore)
            {
                var (row, figure) = await ArchiveLagAsync(options, http, goals["restore"], cancellation);
                rows.Add(row);
                lag = figure;
                figures["restore-archive-lag"] = figure;
            }
        }

        var existing = await ScalarAsync(options.Npgsql, "select count(*) from xylo.mt_events", cancellation);
        var wanted = Math.Max(rebuild ? options.RebuildEvents : 0, restore ? options.RestoreEvents : 0);
        Console.WriteLine($"bench: recovery: seeding {Math.Max(0, wanted - existing):N0} events by COPY ({existing:N0} already in the log)");
        var seeded = await EventLogSeeder.SeedAsync(options, Math.Max(0, wanted - existing), "recovery seed", cancellation);
        Console.WriteLine($"bench: recovery: seeded {seeded.Events:N0} events ({seeded.Users:N0} users, {seeded.Streams:N0} streams) in {seeded.Seconds:F1} s ({seeded.EventsPerSecond:N0} events/s)");
        figures["recovery-seeding"] = new
        {
            method = "binary COPY into xylo.mt_streams / xylo.mt_events (rows shaped as the API writes them), sequences from mt_events_sequence",
            eventsPerUser = EventLogSeeder.EventsPerUser,
            seeded,
            alreadyInLog = existing,
        };
        var total = existing + seeded.Events;

        if (rebuild)
        {
            var (row, figure) = await RebuildAsync(options, total, seeded, goals["rebuild"], cancellation);
            rows.Add(row);
            figures["rebuild"] = figure;
        }

        if (restore)
        {
            var (restoreRows, figure) = await RestoreAsync(options, http, settings, archive, goals["restore"], cancellation);
            rows.AddRange(restoreRows);
            figures["restore"] = new { archiveLag = lag, restore = figure };
        }
    }

    // ------------------------------------------------------------------ archive lag

    private static async Task<(Row Row, object Figure)> ArchiveLagAsync(BenchOptions options, HttpClient http, string goal, CancellationToken cancellation)
    {
        var users = await Program.SeedUsersAsync(options, http, Math.Min(options.Users, 500), "arch", cancellation);
        var successes = new int[users.Count];
        var send = Program.AwardSender(options, http, users, successes, i => (int)(i % users.Count));
        Console.WriteLine("bench: restore: archive lag: warm-up 3 s, then earn at 32 clients while /metrics is sampled every 250 ms");
        await Load.RunAsync(32, TimeSpan.FromSeconds(3), long.MaxValue, null, send, cancellation);

        // Its own client: scrapes must not queue behind the load's connections.
        using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var samples = new ConcurrentQueue<double>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var sampler = Task.Run(async () =>
        {
            // A tick every 250 ms from the start, not 250 ms after each scrape (a scrape under load takes ~200 ms).
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            try
            {
                do
                {
                    if (await ApiMetrics.ReadAsync(options, scraper, "xylo_archive_lag_seconds", cancellation) is { } v) samples.Enqueue(v);
                }
                while (await timer.WaitForNextTickAsync(stop.Token));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }, cancellation);
        var load = await Load.RunAsync(32, TimeSpan.FromSeconds(options.PassSeconds), long.MaxValue, null, send, cancellation);
        await stop.CancelAsync();
        await sampler;

        var sorted = samples.Order().ToArray();
        var p50 = Load.Percentile(sorted, 0.50);
        var p95 = Load.Percentile(sorted, 0.95);
        var max = sorted.LastOrDefault();
        Console.WriteLine($"bench: restore: archive lag p95 {p95:F2} s, max {max:F2} s ({sorted.Length} samples) during earn at {load.OkPerSecond:F0}/s, {load.Errors} errors");
        var row = new Row("restore", "archive lag p95 (max)", $"{p95:F2} s ({max:F2} s)", "—", "—", goal,
            $"xylo_archive_lag_seconds from /metrics every 250 ms, {sorted.Length} samples, p50 {p50:F2} s, during earn at 32 clients ({load.OkPerSecond:N0}/s, {load.Errors} errors, {load.Seconds:F0} s); segments close every 1 s or 10,000 events (defaults)");
        return (row, new { samples = sorted.Length, intervalMs = 250, p50Seconds = p50, p95Seconds = p95, maxSeconds = max, inOrder = samples.ToArray(), load, users = users.Count });
    }

    // ------------------------------------------------------------------ rebuild

    // Command bounds: at the 1,300-1,500 events/s first measured on this shared 2-core machine, a million events take
    // 12-13 minutes to rebuild and as long to restore; the bounds leave room for that and still stop a hang.
    private static async Task<(Row Row, object Figure)> RebuildAsync(BenchOptions options, long events, SeededLog seeded, string goal,
        CancellationToken cancellation)
    {
        Console.WriteLine($"bench: rebuild: dotnet Xylo.Api.dll recovery rebuild over {events:N0} events (API stopped, archive off)");
        await Statements.ResetAsync(options, cancellation);
        var run = await RunCommandAsync(options, ["recovery", "rebuild"], new Dictionary<string, string> { ["Archive__Enabled"] = "false" },
            TimeSpan.FromMinutes(20), cancellation);
        if (run.ExitCode != 0) throw new InvalidOperationException($"recovery rebuild exited with {run.ExitCode}: {Tail(run)}");

        // "rebuilt 13 views (353305 documents) from 1000000 events in 20.8 s (47978 events/s)"; "replayed … in 12.3 s"; "wrote PointsAccount: … in 7.6 s"
        var own = run.Stdout.Select(l => FinishedRebuild().Match(l)).FirstOrDefault(m => m.Success) is { } m
            ? double.Parse(m.Groups[1].Value, Inv) : (double?)null;
        var replayed = run.Stderr.Select(l => FinishedReplay().Match(l)).FirstOrDefault(x => x.Success) is { } r
            ? double.Parse(r.Groups[1].Value, Inv) : (double?)null;
        var perProjection = run.Stderr.Select(l => WroteView().Match(l)).Where(x => x.Success)
            .Select(x => (Name: x.Groups[1].Value, Seconds: double.Parse(x.Groups[2].Value, Inv))).OrderByDescending(x => x.Seconds).ToList();
        var views = await CheckViewsAsync(options.Npgsql, "xylo", cancellation);
        var statements = await Statements.ReportAsync(options, "the rebuild", events, run.Seconds, cancellation, "event");

        var rate = events / run.Seconds;
        Console.WriteLine($"bench: rebuild: {events:N0} events in {run.Seconds:F1} s wall ({rate:N0} events/s); the command's own total {own:F1} s; views: {views.Summary}");
        Console.WriteLine($"  cores used: {Cores(run.Cores)}; busiest: {string.Join(", ", run.Busiest)}");
        Program.OtherLoadSamples.Add(("rebuild", Program.Other(run.Cores), run.Busiest));
        var row = new Row("rebuild", "events/s, all views", $"{rate:N0} events/s", $"{seeded.EventsPerSecond:N0} events/s seeding (COPY)",
            $"{rate / seeded.EventsPerSecond:F2}", goal,
            $"{events:N0} events ({seeded.Events:N0} seeded: {seeded.Users:N0} users × {EventLogSeeder.EventsPerUser}); `dotnet Xylo.Api.dll recovery rebuild` (every projection from one read of the log, API stopped): " +
            $"{run.Seconds:F1} s wall incl. host start, its own total {own:F1} s (read and fold {replayed:F1} s, then the writes); slowest writes {string.Join(", ", perProjection.Take(3).Select(p => $"{p.Name} {p.Seconds:F1} s"))}; " +
            $"views {views.Summary}; cores {Cores(run.Cores)}");
        return (row, new
        {
            command = "dotnet Xylo.Api.dll recovery rebuild",
            events,
            wallSeconds = run.Seconds,
            eventsPerSecond = rate,
            commandOwnSeconds = own,
            replaySeconds = replayed,
            perProjectionWriteSeconds = perProjection.Select(p => new { p.Name, p.Seconds }),
            reference = new { seedingEventsPerSecond = seeded.EventsPerSecond },
            views,
            coresUsed = run.Cores,
            busiestProcesses = run.Busiest,
            statements,
        });
    }

    private sealed record ViewCheck(bool Consistent, string Summary, Dictionary<string, long> Rows);

    /// <summary>The rebuilt views must match the log: one balance per points account, one history entry per points event.</summary>
    private static async Task<ViewCheck> CheckViewsAsync(string connectionString, string schema, CancellationToken cancellation)
    {
        var counts = new Dictionary<string, long>
        {
            ["pointsAccountsInLog"] = await ScalarAsync(connectionString, $"select count(distinct stream_id) from {schema}.mt_events where type = 'points_earned'", cancellation),
            ["pointsEventsInLog"] = await ScalarAsync(connectionString, $"select count(*) from {schema}.mt_events where type like 'points\\_%'", cancellation),
            ["usersInLog"] = await ScalarAsync(connectionString, $"select count(*) from {schema}.mt_events where type = 'user_registered'", cancellation),
            ["mt_doc_pointsaccount"] = await ScalarAsync(connectionString, $"select count(*) from {schema}.mt_doc_pointsaccount", cancellation),
            ["mt_doc_userprofile"] = await ScalarAsync(connectionString, $"select count(*) from {schema}.mt_doc_userprofile", cancellation),
            ["mt_doc_leaderboardentry"] = await ScalarAsync(connectionString, $"select count(*) from {schema}.mt_doc_leaderboardentry", cancellation),
        };
        var consistent = counts["mt_doc_pointsaccount"] == counts["pointsAccountsInLog"]
            && counts["mt_doc_userprofile"] == counts["usersInLog"];
        var summary = $"{(consistent ? "match the log" : "DO NOT match the log")} ({counts["mt_doc_pointsaccount"]:N0} balances, " +
            $"{counts["pointsEventsInLog"]:N0} history lines in the log, {counts["mt_doc_userprofile"]:N0} profiles, {counts["mt_doc_leaderboardentry"]:N0} leaderboard rows)";
        if (!consistent) throw new InvalidOperationException($"the rebuilt views do not match the log: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
        return new ViewCheck(consistent, summary, counts);
    }

    // ------------------------------------------------------------------ restore

    private static async Task<(List<Row> Rows, object Figure)> RestoreAsync(BenchOptions options, HttpClient http, Dictionary<string, string> settings,
        string archive, string goal, CancellationToken cancellation)
    {
        var head = await ScalarAsync(options.Npgsql, "select coalesce(max(seq_id), 0) from xylo.mt_events", cancellation);
        var events = await ScalarAsync(options.Npgsql, "select count(*) from xylo.mt_events", cancellation);
        // The lag pass archived its own events already: the catch-up rate counts only what is left.
        var archivedBefore = (await new FileSystemArchiveStore(archive).ReadManifestAsync(cancellation)).LastOrDefault()?.To ?? 0;
        var toArchive = await ScalarAsync(options.Npgsql, $"select count(*) from xylo.mt_events where seq_id > {archivedBefore}", cancellation);
        Console.WriteLine($"bench: restore: the API archives the log up to sequence {head:N0} ({events:N0} events, {toArchive:N0} not archived yet)");
        double archiveSeconds;
        Dictionary<string, double> archiveCores;
        List<string> archiveBusiest;
        await using (var api = await ApiProcess.StartAsync(options, http, cancellation, settings))
        {
            var cpu = new CpuSampler(api.Pid, Program.PostmasterPid(options), -1);
            var clock = Stopwatch.StartNew();
            var last = 0.0;
            while (clock.Elapsed < TimeSpan.FromMinutes(8))
            {
                last = await ApiMetrics.ReadAsync(options, http, "xylo_archive_last_sequence", cancellation) ?? 0;
                if (last >= head) break;
                await Task.Delay(500, cancellation);
            }

            archiveSeconds = clock.Elapsed.TotalSeconds;
            (archiveCores, archiveBusiest) = cpu.Measure();
            if (last < head) throw new TimeoutException($"the archive reached sequence {last:N0} of {head:N0} within 8 minutes");
        }

        Console.WriteLine($"bench: restore: archive reached {head:N0} after {archiveSeconds:F1} s; cores {Cores(archiveCores)}");
        await using (var admin = new NpgsqlConnection(options.Npgsql))
        {
            await admin.OpenAsync(cancellation);
            await using var drop = new NpgsqlCommand($"drop database if exists {RestoreDatabase} with (force)", admin);
            await drop.ExecuteNonQueryAsync(cancellation);
            await using var create = new NpgsqlCommand($"create database {RestoreDatabase} owner xylo", admin);
            await create.ExecuteNonQueryAsync(cancellation);
        }

        var target = options.DatabaseUrl[..options.DatabaseUrl.LastIndexOf('/')] + "/" + RestoreDatabase;
        var targetNpgsql = options.Npgsql.Replace("Database=xylo", "Database=" + RestoreDatabase, StringComparison.Ordinal);
        await Statements.ResetAsync(options, cancellation);
        Console.WriteLine($"bench: restore: dotnet Xylo.Api.dll recovery restore --archive {Path.GetRelativePath(options.Root, archive)} --database-url {target}");
        var run = await RunCommandAsync(options, ["recovery", "restore", "--archive", archive, "--database-url", target],
            new Dictionary<string, string> { ["Archive__Enabled"] = "false" }, TimeSpan.FromMinutes(25), cancellation);
        if (run.ExitCode != 0) throw new InvalidOperationException($"recovery restore exited with {run.ExitCode}: {Tail(run)}");

        var summary = run.Stdout.FirstOrDefault(l => l.StartsWith("restored ", StringComparison.Ordinal)) ?? "(no summary line)";
        var restored = RestoredEvents().Match(summary) is { Success: true } m ? long.Parse(m.Groups[1].Value, Inv) : 0;
        // The API may append a few events of its own while it archives (queued sign-up bonuses), so the archive can hold more than counted before.
        if (restored < events) throw new InvalidOperationException($"restore brought back {restored:N0} events, the log held {events:N0} before archiving: {summary}");
        var views = await CheckViewsAsync(targetNpgsql, "xylo", cancellation);
        var statements = await Statements.ReportAsync(options, "the restore", restored, run.Seconds, cancellation, "event", RestoreDatabase);

        // The read models' digest is on demand (`recovery digest`), as an operator compares a restore with its source.
        Console.WriteLine($"bench: restore: dotnet Xylo.Api.dll recovery digest --database-url {target}");
        var digest = await RunCommandAsync(options, ["recovery", "digest", "--database-url", target],
            new Dictionary<string, string> { ["Archive__Enabled"] = "false" }, TimeSpan.FromMinutes(10), cancellation);
        if (digest.ExitCode != 0) throw new InvalidOperationException($"recovery digest exited with {digest.ExitCode}: {Tail(digest)}");
        var restoredLog = run.Stdout.FirstOrDefault(l => l.StartsWith("log digest ", StringComparison.Ordinal)) ?? "(none)";
        var digestedLog = digest.Stdout.FirstOrDefault(l => l.StartsWith("log digest ", StringComparison.Ordinal)) ?? "(none)";
        var logMatches = digestedLog.StartsWith(restoredLog + " ", StringComparison.Ordinal);
        if (!logMatches) throw new InvalidOperationException($"the restored log digests as {digestedLog}, the restore wrote {restoredLog}");
        var viewsDigest = digest.Stdout.FirstOrDefault(l => l.StartsWith("read models digest ", StringComparison.Ordinal)) ?? "(none)";
        var rate = restored / run.Seconds;
        var archiveRate = toArchive / archiveSeconds;
        Console.WriteLine($"bench: restore: {restored:N0} events in {run.Seconds:F1} s wall ({rate:N0} events/s); views {views.Summary}");
        Console.WriteLine($"  summary: {summary}");
        Console.WriteLine($"  cores used: {Cores(run.Cores)}; busiest: {string.Join(", ", run.Busiest)}");
        Program.OtherLoadSamples.Add(("archive catch-up", Program.Other(archiveCores), archiveBusiest));
        Program.OtherLoadSamples.Add(("restore", Program.Other(run.Cores), run.Busiest));
        List<Row> rows =
        [
            new("restore", "events/s, archive → empty database incl. rebuild", $"{rate:N0} events/s", "—", "—", goal,
                $"{restored:N0} events (the archive of the seeded log); `dotnet Xylo.Api.dll recovery restore` {run.Seconds:F1} s wall incl. host start; its summary: \"{summary}\"; views {views.Summary}; cores {Cores(run.Cores)}"),
            new("restore", "digest of the restored database (recovery digest)", $"{digest.Seconds:F1} s", "—", "—", "—",
                $"`dotnet Xylo.Api.dll recovery digest --database-url <restored>` {digest.Seconds:F1} s wall incl. host start: the log read back (its digest equal to the one the restore wrote) and \"{viewsDigest}\"; on demand, not part of the restore's time above"),
            new("restore", "archive catch-up (API archiving the seeded log)", $"{archiveRate:N0} events/s", "—", "—", "—",
                $"{toArchive:N0} events not yet archived, to sequence {head:N0}, in {archiveSeconds:F1} s (from the API being ready until xylo_archive_last_sequence reached the head); cores {Cores(archiveCores)}"),
        ];
        return (rows, new
        {
            command = "dotnet Xylo.Api.dll recovery restore --archive <dir> --database-url <empty database>",
            events = restored,
            wallSeconds = run.Seconds,
            eventsPerSecond = rate,
            summary,
            progress = run.Stderr.Where(l => l.StartsWith("rebuilt ", StringComparison.Ordinal) || l.StartsWith("imported ", StringComparison.Ordinal)).TakeLast(20),
            views,
            coresUsed = run.Cores,
            busiestProcesses = run.Busiest,
            statements,
            digest = new { command = "dotnet Xylo.Api.dll recovery digest --database-url <restored>", wallSeconds = digest.Seconds, log = digestedLog, readModels = viewsDigest, logMatches },
            archive = new { directory = Path.GetRelativePath(options.Root, archive), events, archivedBefore, toArchive, head, seconds = archiveSeconds, eventsPerSecond = archiveRate, coresUsed = archiveCores, busiestProcesses = archiveBusiest },
        });
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>
    /// Runs the API's command line to the end. CPU is sampled every second while it runs (an exited process's time
    /// leaves /proc), so the split covers all but the last second.
    /// </summary>
    private static async Task<CommandRun> RunCommandAsync(BenchOptions options, string[] args, Dictionary<string, string> settings, TimeSpan timeout,
        CancellationToken cancellation)
    {
        var info = ApiProcess.Command(options, args, settings);
        var stdout = new ConcurrentQueue<string>();
        var stderr = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet Xylo.Api.dll");
        var cpu = new CpuSampler(process.Id, Program.PostmasterPid(options), -1);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            stdout.Enqueue(line);
            if (line.StartsWith("Finished", StringComparison.Ordinal) || line.StartsWith("restored", StringComparison.Ordinal)) Console.WriteLine("  " + line);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            stderr.Enqueue(line);
            Console.WriteLine("  " + line);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bounded.CancelAfter(timeout);
        var split = cpu.Measure();
        try
        {
            while (!process.HasExited)
            {
                // Only a measurement taken while the command still runs: once it has exited and been reaped, its time
                // belongs to the harness (its parent).
                var next = cpu.Measure();
                if (!process.HasExited) split = next;
                await Task.WhenAny(process.WaitForExitAsync(bounded.Token), Task.Delay(1000, bounded.Token));
                bounded.Token.ThrowIfCancellationRequested();
            }

            await process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet Xylo.Api.dll {string.Join(' ', args)} did not finish within {timeout.TotalMinutes:F0} minutes");
        }

        // The whole output stays beside the API logs for a post-mortem.
        Directory.CreateDirectory(options.LogDirectory);
        await File.WriteAllLinesAsync(Path.Combine(options.LogDirectory, $"{args[0]}-{args[1]}.out.log"), [.. stdout, "--- stderr", .. stderr], CancellationToken.None);
        return new CommandRun(process.ExitCode, [.. stdout], [.. stderr], clock.Elapsed.TotalSeconds, split.Groups, split.Top);
    }

    private static string Tail(CommandRun run) => string.Join(" | ", run.Stderr.Concat(run.Stdout).TakeLast(5));

    private static string Cores(Dictionary<string, double> c) =>
        $"command/api {c["api"]:F2}, postgres {c["postgres"]:F2}, other {Program.Other(c):F2} of {Environment.ProcessorCount}";

    /// <summary>
    /// Drops every schema the xylo role owns (Marten's and Wolverine's tables, the audit chain), leaving the database,
    /// its public schema and the pg_stat_statements extension the bench stack installed as a superuser.
    /// </summary>
    private static async Task<List<string>> EmptyDatabaseAsync(BenchOptions options, CancellationToken cancellation)
    {
        await using var db = new NpgsqlConnection(options.Npgsql);
        await db.OpenAsync(cancellation);
        var schemas = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select nspname from pg_namespace where nspowner = current_user::regrole and nspname <> 'public' order by nspname", db))
        await using (var reader = await list.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation)) schemas.Add(reader.GetString(0));
        }

        foreach (var schema in schemas)
        {
            await using var drop = new NpgsqlCommand($"drop schema \"{schema}\" cascade", db) { CommandTimeout = 600 };
            await drop.ExecuteNonQueryAsync(cancellation);
        }

        return schemas;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, CancellationToken cancellation)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(sql, db);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), Inv);
    }

    [GeneratedRegex(@"^rebuilt \d+ views .* in ([\d.]+) s")]
    private static partial Regex FinishedRebuild();

    [GeneratedRegex(@"^replayed .* in ([\d.]+) s")]
    private static partial Regex FinishedReplay();

    [GeneratedRegex(@"^wrote (.+): .* in ([\d.]+) s")]
    private static partial Regex WroteView();

    [GeneratedRegex(@"^restored (\d+) events")]
    private static partial Regex RestoredEvents();
}
