using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Xylo.Benchmarks;

internal sealed record Row(string Scenario, string Figure, string Value, string Reference, string Ratio, string Goal, string Conditions);

internal sealed record SeededUser(Guid Id, string Token);

internal static class Program
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly JsonSerializerOptions JsonOut = new() { WriteIndented = true };
    private static readonly List<Row> Rows = [];
    private static readonly Dictionary<string, object?> Figures = [];
    private static readonly string RunId = DateTime.UtcNow.ToString("HHmmss", Inv);

    private static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        // The whole run is bounded: no scenario may hang the command. 75 minutes: every scenario at full size, where
        // rebuild and restore over 1,000,000 events (seed, rebuild, archive catch-up, restore) take ~30 min on this
        // 2-core machine at the rates measured, audit's 1,000,000 events ~5 min, on top of the ~11 min of the others;
        // the rest is room for a slower machine, not for a hang.
        using var total = new CancellationTokenSource(TimeSpan.FromMinutes(75));
        var cancellation = total.Token;
        var started = DateTime.UtcNow;
        string postgresVersion;
        await using (var db = new NpgsqlConnection(options.Npgsql))
        {
            await db.OpenAsync(cancellation);
            postgresVersion = (string)(await new NpgsqlCommand("show server_version", db).ExecuteScalarAsync(cancellation))!;
        }

        var facts = await Machine.FactsAsync(options, postgresVersion);
        Console.WriteLine($"bench: {facts["cores"]} cores, {facts["memoryGb"]} GB, {facts["os"]}, .NET {facts["dotnetSdk"]}, PostgreSQL {postgresVersion}, Redis {facts["redis"]}");
        Console.WriteLine($"bench: scenarios {string.Join(' ', options.Scenarios)}");

        double? pgbenchTps = null;
        if (options.Wants("baseline")) pgbenchTps = await BaselineAsync(options, cancellation);

        var needsApi = options.Wants("earn") || options.Wants("contention") || options.Wants("projection-lag") || options.Wants("footprint");
        var failed = false;

        // A scenario that fails leaves a "failed" row and its exception in the JSON; the others still run.
        async Task RunScenarioAsync(string name, string figureKey, string goal, Func<Task> run)
        {
            try
            {
                await run();
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or OperationCanceledException or NpgsqlException
                or Nethereum.JsonRpc.Client.RpcClientUnknownException or Nethereum.JsonRpc.Client.RpcResponseException)
            {
                failed = true;
                await Console.Error.WriteLineAsync($"bench: {name} failed: {e.Message} (API logs: {Path.GetRelativePath(options.Root, options.LogDirectory)})");
                Rows.Add(new Row(name, "—", "failed", "—", "—", goal, e.Message));
                Figures[figureKey + "Failure"] = e.ToString();
            }
        }

        if (needsApi) await RunScenarioAsync("api scenarios", "api", "—", () => ApiScenariosAsync(options, pgbenchTps, cancellation));

        if (options.Wants("audit"))
        {
            await RunScenarioAsync("audit", "audit", Goals["audit"], async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var audit = await AuditScenario.RunAsync(options, http, Goals["audit"], cancellation);
                Rows.AddRange(audit.Rows);
                Figures["audit"] = audit.Figure;
            });
        }

        if (options.Wants("mints"))
        {
            await RunScenarioAsync("mints", "mints", Goals["mints"], async () =>
            {
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128 }) { Timeout = TimeSpan.FromSeconds(60) };
                var mints = await MintsScenario.RunAsync(options, http, Goals["mints"], pid => new CpuSampler(pid, PostmasterPid(options), RedisPid(options)), cancellation);
                Rows.AddRange(mints.Rows);
                Figures["mints"] = mints.Figure;
                OtherLoadSamples.Add(("mints", mints.OtherCores, mints.Top));
            });
        }

        if (options.Wants("vault"))
        {
            await RunScenarioAsync("vault", "vault", Goals["vault"], async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var vault = await VaultScenario.RunAsync(options, http, Goals["vault"], cancellation);
                Rows.AddRange(vault.Rows);
                Figures["vault"] = vault.Figure;
            });
        }

        if (options.Wants("rebuild") || options.Wants("restore"))
        {
            await RunScenarioAsync("rebuild/restore", "recovery", "—", async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                await RecoveryScenario.RunAsync(options, http, Goals, Rows, Figures, cancellation);
            });
        }

        var table = RenderTable();
        Console.WriteLine();
        Console.WriteLine(table);

        Directory.CreateDirectory(options.ResultsDir);
        var stamp = started.ToString("yyyyMMdd'T'HHmmss'Z'", Inv);
        var jsonPath = Path.Combine(options.ResultsDir, stamp + ".json");
        var document = new Dictionary<string, object?>
        {
            ["startedUtc"] = started.ToString("O", Inv),
            ["finishedUtc"] = DateTime.UtcNow.ToString("O", Inv),
            ["command"] = options.Command,
            ["scenarios"] = options.Scenarios,
            ["machine"] = facts,
            ["figures"] = Figures,
            ["table"] = Rows,
        };
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(document, JsonOut), cancellation);
        Console.WriteLine($"bench: JSON written to {Path.GetRelativePath(options.Root, jsonPath)}");

        await WriteDocsAsync(options, facts, table, started, Path.GetRelativePath(options.Root, jsonPath), cancellation);
        Console.WriteLine($"bench: table written to {Path.GetRelativePath(options.Root, options.DocsFile)}");
        return failed ? 1 : 0;
    }

    private static long awardSource;

    /// <summary>The earn command: one award of 1 point to the picked account, counted per account when it succeeds.</summary>
    internal static Func<long, CancellationToken, Task<Outcome>> AwardSender(BenchOptions options, HttpClient http, List<SeededUser> users,
        int[] successes, Func<long, int> pickUser)
    {
        var awardUri = new Uri(options.ApiUrl + "/points/awards");
        return async (i, ct) =>
        {
            var u = pickUser(i);
            var body = $"{{\"userId\":\"{users[u].Id}\",\"amount\":1,\"reason\":\"bench\",\"source\":\"bench-{RunId}-{Interlocked.Increment(ref awardSource)}\"}}";
            using var request = new HttpRequestMessage(HttpMethod.Post, awardUri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Api-Key", options.ApiKey);
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Conflict) return Outcome.Conflict;
            if (response.StatusCode != HttpStatusCode.OK) return Outcome.Error;
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!text.Contains("\"awarded\":1,", StringComparison.Ordinal)) return Outcome.Error;
            Interlocked.Increment(ref successes[u]);
            return Outcome.Ok;
        };
    }

    private const int EarnWarmUpSeconds = 15;

    private const string CheckoutsMetric = "xylo_db_connection_checkouts_total";

    private const string AwardShape = "{userId, amount: 1, reason: \"bench\", source: <unique>}";

    private static readonly Dictionary<string, string> Goals = new()
    {
        ["baseline"] = "— (the database's limit here)",
        ["earn"] = "≥ 0.5 × pgbench",
        ["earn-paced"] = "p99 < 50 ms",
        ["earn-statements"] = "≤ 8",
        ["earn-checkouts"] = "≤ 1",
        ["contention"] = "≥ 0.3 × earn; no lost update",
        ["projection-lag"] = "p95 < 1 s",
        ["footprint"] = "ready < 2 s; RSS < 400 MB",
        ["rebuild"] = "≥ 100,000 events/s",
        ["mints"] = "≥ 0.9 × raw send, zero duplicates",
        ["vault"] = "10,000 deposits in seconds; no duplicate, no gap",
        ["restore"] = "≥ 50,000 events/s; lag < 5 s",
        ["audit"] = "p95 < 50 ms",
    };

    // ------------------------------------------------------------------ baseline

    private static async Task<double?> BaselineAsync(BenchOptions options, CancellationToken cancellation)
    {
        Console.WriteLine("bench: baseline: pgbench -i -s 10 into database pgbench");
        string[] conn = ["-h", "127.0.0.1", "-p", options.PgPort.ToString(Inv), "-U", "xylo"];
        var init = await PgbenchAsync(options, [.. conn, "-i", "-s", "10", "-q", "pgbench"], cancellation);
        if (init.Code != 0)
        {
            Rows.Add(new Row("baseline", "pgbench -N tps", "failed", "—", "—", Goals["baseline"], init.Output.Split('\n')[^1]));
            return null;
        }

        Console.WriteLine("bench: baseline: warm-up 5 s, then pgbench -c 8 -j 2 -N -T " + options.PgbenchSeconds);
        await PgbenchAsync(options, [.. conn, "-c", "8", "-j", "2", "-N", "-T", "5", "pgbench"], cancellation);
        var running = PgbenchAsync(options, [.. conn, "-c", "8", "-j", "2", "-N", "-T", options.PgbenchSeconds.ToString(Inv), "pgbench"], cancellation);

        // CPU is sampled inside the run, while pgbench and its backends still exist (an exited process's time leaves /proc).
        var margin = TimeSpan.FromSeconds(Math.Min(5, options.PgbenchSeconds / 4.0));
        await Task.Delay(margin, cancellation);
        var cpu = new CpuSampler(-1, PostmasterPid(options), RedisPid(options));
        await Task.Delay(TimeSpan.FromSeconds(options.PgbenchSeconds) - (2 * margin), cancellation);
        var (cores, top) = cpu.Measure();
        var run = await running;
        OtherLoadSamples.Add(("pgbench", Other(cores), top));
        var tpsLine = run.Output.Split('\n').FirstOrDefault(l => l.StartsWith("tps = ", StringComparison.Ordinal));
        if (run.Code != 0 || tpsLine is null)
        {
            Rows.Add(new Row("baseline", "pgbench -N tps", "failed", "—", "—", Goals["baseline"], run.Output.Split('\n')[^1]));
            return null;
        }

        var tps = double.Parse(tpsLine.Split(' ')[2], Inv);
        var latency = run.Output.Split('\n').FirstOrDefault(l => l.StartsWith("latency average", StringComparison.Ordinal))?.Split('=')[1].Trim();
        Console.WriteLine($"bench: baseline: {tps:F0} tps (latency average {latency}); cores used: {Cores(cores)}; busiest: {string.Join(", ", top)}");
        Rows.Add(new Row("baseline", "pgbench -N tps", $"{tps:N0} tps", "—", "—", Goals["baseline"], $"8 clients, 2 threads, -N, {options.PgbenchSeconds} s, scale 10, latency avg {latency}; cores pg {cores["postgres"]:F2} pgbench {cores["harness"]:F2} other {Other(cores):F2} (of {Environment.ProcessorCount})"));
        Figures["baseline"] = new { tps, latencyAverage = latency, clients = 8, threads = 2, seconds = options.PgbenchSeconds, scale = 10, coresUsed = cores, busiestProcesses = top, mode = "-N (simple update, no branch/teller updates)" };
        return tps;
    }

    private static async Task<(int Code, string Output)> PgbenchAsync(BenchOptions options, string[] args, CancellationToken cancellation)
    {
        var info = new System.Diagnostics.ProcessStartInfo(options.Pgbench, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["PGPASSWORD"] = "xylo";
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.PgbenchSeconds + 120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, "pgbench timed out");
        }

        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }

    internal static int PostmasterPid(BenchOptions options) =>
        int.Parse(File.ReadLines(Path.Combine(options.BenchDir, "pg/data/postmaster.pid")).First(), Inv);

    private static int RedisPid(BenchOptions options) => File.Exists(Path.Combine(options.BenchDir, "redis/redis.pid"))
        ? int.Parse(File.ReadAllText(Path.Combine(options.BenchDir, "redis/redis.pid")).Trim(), Inv)
        : -1;

    // ------------------------------------------------------------------ API scenarios

    private static async Task ApiScenariosAsync(BenchOptions options, double? pgbenchTps, CancellationToken cancellation)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        })
        { Timeout = TimeSpan.FromSeconds(30) };
        Directory.CreateDirectory(options.LogDirectory);

        // footprint: fresh starts of the API process, each until /health/ready answers 200; the last one stays up.
        var starts = options.Wants("footprint") ? 3 : 1;
        var readyTimes = new List<double>();
        ApiProcess? api = null;
        for (var i = 1; i <= starts; i++)
        {
            if (api is not null) await api.DisposeAsync();
            api = await ApiProcess.StartAsync(options, http, cancellation);
            readyTimes.Add(api.ReadySeconds);
            Console.WriteLine($"bench: api start {i}: ready after {api.ReadySeconds:F2} s (pid {api.Pid})");
        }

        await using var running = api!;
        var users = await SeedUsersAsync(options, http, options.Users, "bench", cancellation);
        var successes = new int[users.Count];
        var postmasterPid = PostmasterPid(options);
        var redisPid = RedisPid(options);

        Func<long, CancellationToken, Task<Outcome>> Award(Func<long, int> pickUser) => AwardSender(options, http, users, successes, pickUser);
        var spread = Award(i => (int)(i % users.Count));
        var pass = TimeSpan.FromSeconds(options.PassSeconds);
        const long maxPerPass = 2_000_000;

        // earn: warm-up, then 8/32/64 clients over distinct accounts.
        var earnPasses = new List<(LoadResult Result, Dictionary<string, double> Cpu, List<string> Top, int ApiThreads)>();
        double? checkoutsBefore = null;
        if (options.Wants("earn") || options.Wants("footprint") || options.Wants("projection-lag"))
        {
            // Long enough for tiered compilation to settle: on 2 cores the JIT still recompiles hot methods 10-20 s into the load
            // (perf showed libclrjit at ~10 % of the API's CPU after a 5 s warm-up), and the first pass would measure the JIT.
            Console.WriteLine($"bench: earn: warm-up {EarnWarmUpSeconds} s at 32 clients");
            await Load.RunAsync(32, TimeSpan.FromSeconds(EarnWarmUpSeconds), maxPerPass, null, spread, cancellation);
            await Statements.ResetAsync(options, cancellation);
            checkoutsBefore = await ApiMetrics.ReadAsync(options, http, CheckoutsMetric, cancellation);
            foreach (var clients in new[] { 8, 32, 64 })
            {
                var cpu = new CpuSampler(running.Pid, postmasterPid, redisPid);
                var r = await Load.RunAsync(clients, pass, maxPerPass, null, spread, cancellation);
                var (cores, top) = cpu.Measure();
                var threads = running.Threads();
                earnPasses.Add((r, cores, top, threads));
                OtherLoadSamples.Add(($"earn at {clients} clients", Other(cores), top));
                Console.WriteLine($"bench: earn {clients,2} clients: {r.OkPerSecond:F0}/s  p50 {r.P50Ms:F1} ms  p95 {r.P95Ms:F1} ms  p99 {r.P99Ms:F1} ms  errors {r.Errors}  conflicts {r.Conflicts}");
                Console.WriteLine($"  cores used: {Cores(cores)}; busiest: {string.Join(", ", top)}; API threads {threads}");
            }
        }

        if (earnPasses.Count > 0)
        {
            var commands = earnPasses.Sum(p => p.Result.Ok);
            var statements = await Statements.ReportAsync(options, "the earn passes", commands, earnPasses.Sum(p => p.Result.Seconds), cancellation);
            Figures["earn-statements"] = statements;
            var checkouts = await ApiMetrics.ReadAsync(options, http, CheckoutsMetric, cancellation) - checkoutsBefore;
            Console.WriteLine($"bench: pool checkouts over the earn passes: {checkouts:N0} for {commands:N0} commands ({checkouts / Math.Max(1, commands):F2} per command)");
            Figures["earn-checkouts"] = new { metric = CheckoutsMetric, checkouts, commands, perCommand = checkouts / Math.Max(1, commands) };
            if (options.Wants("earn"))
            {
                Rows.Add(new Row("earn", "SQL statements per award", statements is Statements.Report rep ? $"{rep.StatementsPerCommand:F1}" : "n/a", "—", "—", Goals["earn-statements"],
                    statements is Statements.Report r2 ? $"pg_stat_statements over the 8/32/64-client passes, every statement of the database (API, daemon, Wolverine) / {commands:N0} awards; {r2.Summary}" : "pg_stat_statements not available"));
                Rows.Add(new Row("earn", "pool checkouts per command", checkouts is { } c ? $"{c / Math.Max(1, commands):F2}" : "n/a", "—", "—", Goals["earn-checkouts"],
                    $"{CheckoutsMetric} from /metrics (Npgsql's logical opens, every one of the API process: requests, daemon, Wolverine) over the same passes / {commands:N0} awards"));
            }
        }

        var best = earnPasses.Count > 0 ? earnPasses.MaxBy(p => p.Result.OkPerSecond).Result : null;
        if (options.Wants("earn") && best is not null)
        {
            foreach (var (r, cores, _, threads) in earnPasses)
            {
                Rows.Add(new Row("earn", $"commands/s @ {r.Clients} clients", $"{r.OkPerSecond:N0}/s", Ref(pgbenchTps, "pgbench tps"), Ratio(r.OkPerSecond, pgbenchTps), Goals["earn"],
                    $"p50 {r.P50Ms:F1} / p95 {r.P95Ms:F1} / p99 {r.P99Ms:F1} ms; {r.Ok:N0} ok, {r.Errors} errors, {r.Conflicts} 409; {r.Seconds:F0} s; cores api {cores["api"]:F2} pg {cores["postgres"]:F2} client {cores["harness"]:F2} other {Other(cores):F2} (of {Environment.ProcessorCount}); API threads {threads}"));
            }

            var target = best.OkPerSecond / 2;
            Console.WriteLine($"bench: earn paced: {target:F0}/s (half the best) at 32 clients");
            var paced = await Load.RunAsync(32, pass, maxPerPass, target, spread, cancellation);
            Console.WriteLine($"bench: earn paced: {paced.OkPerSecond:F0}/s  p50 {paced.P50Ms:F1} ms  p95 {paced.P95Ms:F1} ms  p99 {paced.P99Ms:F1} ms  errors {paced.Errors}");
            Rows.Add(new Row("earn", "p99 at half the best rate", $"{paced.P99Ms:F1} ms", $"{target:N0}/s target", "—", Goals["earn-paced"],
                $"32 clients paced, {paced.OkPerSecond:N0}/s achieved; p50 {paced.P50Ms:F1} / p95 {paced.P95Ms:F1} ms from scheduled send; {paced.Errors} errors; {paced.Seconds:F0} s"));
            Figures["earn"] = new
            {
                reference = new { pgbenchTps },
                users = users.Count,
                command = "POST /points/awards, one award {amount 1}, X-Api-Key, accounts round-robin",
                warmUpSeconds = EarnWarmUpSeconds,
                passes = earnPasses.Select(p => new { result = p.Result, ratioToPgbench = pgbenchTps is { } t ? p.Result.OkPerSecond / t : (double?)null, coresUsed = p.Cpu, busiestProcesses = p.Top, apiThreads = p.ApiThreads }),
                paced = new { result = paced, targetRate = target, latencyFrom = "scheduled send time" },
            };
        }

        if (options.Wants("projection-lag") && best is not null)
        {
            await ProjectionLagAsync(options, best.Clients, pass, maxPerPass, spread, cancellation);
        }

        if (options.Wants("contention"))
        {
            var hot = Enumerable.Range(0, 10).ToArray();
            var contended = Award(i => hot[(int)(i % hot.Length)]);
            Console.WriteLine("bench: contention: warm-up 3 s, then 32 clients on 10 hot accounts");
            await Load.RunAsync(32, TimeSpan.FromSeconds(3), maxPerPass, null, contended, cancellation);
            var r = await Load.RunAsync(32, pass, maxPerPass, null, contended, cancellation);
            var conflictRate = r.Requests == 0 ? 0 : (double)r.Conflicts / r.Requests;
            Console.WriteLine($"bench: contention: {r.OkPerSecond:F0}/s  409s {r.Conflicts} ({conflictRate:P1})  p99 {r.P99Ms:F1} ms  errors {r.Errors}");
            var check = await LostUpdateCheckAsync(options, http, users, successes, cancellation);
            Rows.Add(new Row("contention", "commands/s, 10 hot accounts @ 32", $"{r.OkPerSecond:N0}/s", Ref(best?.OkPerSecond, "earn/s (best)"), Ratio(r.OkPerSecond, best?.OkPerSecond), Goals["contention"],
                $"409 {r.Conflicts:N0} of {r.Requests:N0} ({conflictRate:P1}); {r.Errors} errors; p99 {r.P99Ms:F1} ms; {r.Seconds:F0} s; lost updates: {check.Summary}"));
            Figures["contention"] = new { result = r, conflictRate, hotAccounts = hot.Length, earnBest = best?.OkPerSecond, lostUpdateCheck = check };
        }

        if (options.Wants("footprint"))
        {
            var peak = running.PeakRssMb();
            var median = readyTimes.Order().ElementAt(readyTimes.Count / 2);
            Console.WriteLine($"bench: footprint: ready {string.Join(" / ", readyTimes.Select(t => t.ToString("F2", Inv)))} s, peak RSS {peak:F0} MB");
            Rows.Add(new Row("footprint", "startup to ready (median of 3)", $"{median:F2} s", "—", "—", "< 2 s",
                $"fresh process each; {string.Join(" / ", readyTimes.Select(t => t.ToString("F2", Inv)))} s (each after `db-apply`, the deploy step, which is not timed)"));
            Rows.Add(new Row("footprint", "peak RSS (VmHWM)", $"{peak:F0} MB", "—", "—", "< 400 MB",
                $"API process after seeding {users.Count:N0} users, earn, lag and contention passes; RSS now {running.RssMb():F0} MB"));
            Figures["footprint"] = new { readySeconds = readyTimes, readyMedianSeconds = median, peakRssMb = peak, source = "/proc/<pid>/status VmHWM", goalReadySeconds = 2, goalRssMb = 400 };
        }
    }

    private static async Task ProjectionLagAsync(BenchOptions options, int clients, TimeSpan pass, long max,
        Func<long, CancellationToken, Task<Outcome>> send, CancellationToken cancellation)
    {
        await using var db = new NpgsqlConnection(options.Npgsql);
        await db.OpenAsync(cancellation);
        var names = new List<string>();
        await using (var cmd = new NpgsqlCommand("select name from xylo.mt_event_progression order by name", db))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation)) names.Add(reader.GetString(0));
        }

        var shard = names.FirstOrDefault(n => n.StartsWith("Leaderboard", StringComparison.OrdinalIgnoreCase)) ?? "Leaderboard%";
        Console.WriteLine($"bench: projection-lag: progression rows [{string.Join(", ", names)}]; polling '{shard}' every 100 ms during earn at {clients} clients");
        const string Sql = """
            with m as (select coalesce(max(seq_id), 0) s from xylo.mt_events),
                 p as (select coalesce(max(last_seq_id), 0) s from xylo.mt_event_progression where name = @name)
            select m.s - p.s,
                   coalesce(extract(epoch from clock_timestamp() - (select e.timestamp from xylo.mt_events e where e.seq_id > p.s order by e.seq_id limit 1)), 0)::float8
              from m, p
            """;
        var samples = new ConcurrentQueue<(long Events, double Seconds)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        async Task<(long, double)> SampleAsync()
        {
            await using var cmd = new NpgsqlCommand(Sql, db);
            cmd.Parameters.AddWithValue("name", shard);
            await using var reader = await cmd.ExecuteReaderAsync(cancellation);
            await reader.ReadAsync(cancellation);
            return (reader.GetInt64(0), reader.GetDouble(1));
        }

        var poller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                samples.Enqueue(await SampleAsync());
                try
                {
                    await Task.Delay(100, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }, cancellation);
        var r = await Load.RunAsync(clients, pass, max, null, send, cancellation);
        await stop.CancelAsync();
        await poller;

        // After the load: how long until the daemon has caught up (bounded to 30 s).
        var catchUp = System.Diagnostics.Stopwatch.StartNew();
        var caughtUp = false;
        while (catchUp.Elapsed < TimeSpan.FromSeconds(30))
        {
            var (events, _) = await SampleAsync();
            if (events <= 0) { caughtUp = true; break; }
            await Task.Delay(100, cancellation);
        }

        var ev = samples.Select(s => (double)s.Events).Order().ToArray();
        var secs = samples.Select(s => s.Seconds).Order().ToArray();
        var p95Events = Load.Percentile(ev, 0.95);
        var p95Secs = Load.Percentile(secs, 0.95);
        Console.WriteLine($"bench: projection-lag: {samples.Count} samples; events p95 {p95Events:F0} max {ev.LastOrDefault():F0}; seconds p95 {p95Secs:F2} max {secs.LastOrDefault():F2}; caught up {(caughtUp ? catchUp.Elapsed.TotalSeconds.ToString("F1", Inv) + " s" : "not within 30 s")} after the load");
        Rows.Add(new Row("projection-lag", "daemon lag p95 (max)", $"{p95Secs:F2} s ({secs.LastOrDefault():F2} s)", "—", "—", Goals["projection-lag"],
            $"'{shard}', {samples.Count} samples @100 ms during earn at {clients} clients ({r.OkPerSecond:N0}/s); events p95 {p95Events:N0} (max {ev.LastOrDefault():N0}); caught up {(caughtUp ? catchUp.Elapsed.TotalSeconds.ToString("F1", Inv) + " s" : "not within 30 s")} after"));
        Figures["projection-lag"] = new
        {
            shard,
            progressionRows = names,
            clients,
            load = r,
            samples = samples.Count,
            intervalMs = 100,
            lagEvents = new { p95 = p95Events, max = ev.LastOrDefault() },
            lagSeconds = new { p95 = p95Secs, max = secs.LastOrDefault(), definition = "now - timestamp of the oldest event the daemon has not processed" },
            catchUpSecondsAfterLoad = caughtUp ? catchUp.Elapsed.TotalSeconds : (double?)null,
        };
    }

    private sealed record LostUpdateCheck(int AccountsChecked, int Mismatches, int LostUpdates, string Summary, IReadOnlyList<string> Examples);

    /// <summary>
    /// Every account's <c>earned</c> must equal its sign-up bonus plus the awards the harness saw succeed.
    /// The sign-up bonus arrives through a queue, so the check waits (bounded) for it.
    /// </summary>
    private static async Task<LostUpdateCheck> LostUpdateCheckAsync(BenchOptions options, HttpClient http, List<SeededUser> users, int[] successes, CancellationToken cancellation)
    {
        const long SignUpBonus = 100;
        var uri = new Uri(options.ApiUrl + "/me/points");
        var earned = new long[users.Count];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<int> wrong;
        do
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, users.Count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellation }, async (u, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", users[u].Token);
                using var response = await http.SendAsync(request, ct);
                if (!response.IsSuccessStatusCode) { earned[u] = -1; return; }
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                earned[u] = json.RootElement.GetProperty("earned").GetInt64();
            });
            wrong = Enumerable.Range(0, users.Count).Where(u => earned[u] != SignUpBonus + successes[u]).ToList();
            if (wrong.Count == 0) break;
            await Task.Delay(500, cancellation);
        }
        while (DateTime.UtcNow < deadline);

        var lost = wrong.Count(u => earned[u] >= 0 && earned[u] < SignUpBonus + successes[u]);
        var examples = wrong.Take(5).Select(u => $"{users[u].Id}: earned {earned[u]}, expected {SignUpBonus} + {successes[u]}").ToList();
        var summary = wrong.Count == 0
            ? $"none (all {users.Count:N0} accounts: earned = 100 sign-up + successful awards)"
            : $"{wrong.Count} accounts differ ({lost} below expectation)";
        Console.WriteLine($"bench: lost-update check: {summary}");
        foreach (var e in examples) Console.WriteLine($"  {e}");
        return new LostUpdateCheck(users.Count, wrong.Count, lost, summary, examples);
    }

    /// <summary>One development sign-in with the given roles, through the generated client; its access token.</summary>
    internal static async Task<string> SignInAsync(BenchOptions options, HttpClient http, string handle, string[] roles, CancellationToken cancellation)
    {
        var tokens = await Xylo.Client.XyloClients.Anonymous(http, options.ApiUrl).Auth.Dev.SignIn.PostAsync(
            new Xylo.Client.Models.DevSignInRequest { Handle = handle, Roles = [.. roles] }, cancellationToken: cancellation);
        return tokens!.AccessToken!;
    }

    internal static async Task<List<SeededUser>> SeedUsersAsync(BenchOptions options, HttpClient http, int count, string handlePrefix, CancellationToken cancellation)
    {
        var uri = new Uri(options.ApiUrl + "/auth/dev/sign-in");
        var users = new SeededUser?[count];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var seedingBudget = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        seedingBudget.CancelAfter(TimeSpan.FromSeconds(150));
        try
        {
            await SeedAsync();
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            Console.WriteLine("bench: seeding stopped after its 150 s budget");
        }

        async Task SeedAsync() => await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = seedingBudget.Token }, async (i, ct) =>
        {
            var body = $"{{\"handle\":\"{handlePrefix}{RunId}u{i}\"}}";
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                using var response = await http.PostAsync(uri, new StringContent(body, Encoding.UTF8, "application/json"), ct);
                if (!response.IsSuccessStatusCode) continue;
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                users[i] = new SeededUser(json.RootElement.GetProperty("user").GetProperty("id").GetGuid(), json.RootElement.GetProperty("accessToken").GetString()!);
                return;
            }
        });
        var seeded = users.OfType<SeededUser>().ToList();
        Console.WriteLine($"bench: seeded {seeded.Count:N0} of {count:N0} users via POST /auth/dev/sign-in in {clock.Elapsed.TotalSeconds:F1} s ({seeded.Count / clock.Elapsed.TotalSeconds:F0}/s, 32 concurrent)");
        if (seeded.Count < 10) throw new InvalidOperationException("seeding failed: fewer than 10 users");
        Figures[handlePrefix == "bench" ? "seeding" : handlePrefix + "-seeding"] = new { users = seeded.Count, requested = count, seconds = clock.Elapsed.TotalSeconds, concurrency = 32 };
        return seeded;
    }

    // ------------------------------------------------------------------ output

    private static string Cores(Dictionary<string, double> c) =>
        $"api {c["api"]:F2}, postgres {c["postgres"]:F2}, redis {c["redis"]:F2}, client {c["harness"]:F2}, other {Other(c):F2}, machine {c["machine"]:F2}, steal {c["steal"]:F2}";

    internal static readonly List<(string Pass, double Cores, List<string> Top)> OtherLoadSamples = [];

    private static string OtherLoad() => OtherLoadSamples.Count == 0
        ? "(not measured)"
        : $"(cores of {Environment.ProcessorCount}) " + string.Join("; ", OtherLoadSamples.Select(o => $"{o.Cores.ToString("F2", Inv)} during {o.Pass}")) +
          $"; busiest processes during {OtherLoadSamples.MaxBy(o => o.Cores).Pass}: {string.Join(", ", OtherLoadSamples.MaxBy(o => o.Cores).Top)}. " +
          (OtherLoadSamples.Max(o => o.Cores) >= 0.2 ? "**The machine was not idle: these figures are disturbed.**" : "The machine was otherwise idle.");

    internal static double Other(Dictionary<string, double> c) => Math.Max(0, c["machine"] - c["api"] - c["postgres"] - c["redis"] - c["harness"]);

    private static string Ref(double? value, string what) => value is { } v ? $"{v:N0} {what}" : "—";

    private static string Ratio(double value, double? reference) => reference is { } r && r > 0 ? $"{value / r:F2}" : "—";

    private static string RenderTable()
    {
        string[] header = ["scenario", "figure", "value", "reference (same run)", "ratio", "goal", "conditions"];
        var lines = new List<string> { "| " + string.Join(" | ", header) + " |", "|" + string.Concat(header.Select(_ => "---|")) };
        lines.AddRange(Rows.Select(r => "| " + string.Join(" | ", r.Scenario, r.Figure, r.Value, r.Reference, r.Ratio, r.Goal, r.Conditions) + " |"));
        return string.Join('\n', lines);
    }

    private static async Task WriteDocsAsync(BenchOptions options, Dictionary<string, object?> facts, string table, DateTime started, string jsonPath, CancellationToken cancellation)
    {
        var idle = Environment.GetEnvironmentVariable("XYLO_BENCH_IDLE_NOTE") ?? "not checked by the harness";
        var text = $"""
            # Benchmarks

            Latest run of `./xylo bench` (issue 7). Goals are targets read against the figures, never test assertions.
            Regenerate with the command below; each run also writes its JSON to `.local/bench/results/`.

            - **command**: `{options.Command}`
            - **run**: {started:yyyy-MM-dd HH:mm} UTC, commit `{facts["commit"]}`{((bool)facts["workingTreeDirty"]! ? " (with uncommitted changes)" : "")}, JSON `{jsonPath}`
            - **machine**: {facts["cores"]} cores ({facts["cpu"]}), {facts["memoryGb"]} GB, {facts["os"]}, kernel {facts["kernel"]}
            - **versions**: .NET SDK {facts["dotnetSdk"]} ({facts["dotnetRuntime"]}), PostgreSQL {facts["postgres"]}, Redis {facts["redis"]}
            - **stack**: separate bench stack (PostgreSQL 127.0.0.1:{options.PgPort}, Redis 127.0.0.1:{options.RedisPort}, fsync on), database recreated; API Release build as its own process on {options.ApiUrl}; client, API, PostgreSQL and Redis share the same cores
            - **other load on the machine**: {idle}; processes outside the bench used {OtherLoad()}

            {table}

            ## How each figure is taken

            - **baseline**: `pgbench -i -s 10` into database `pgbench` on the bench stack, a 5 s warm-up, then `pgbench -c 8 -j 2 -N -T {options.PgbenchSeconds}`.
            - **earn**: {options.Users:N0} users seeded through `POST /auth/dev/sign-in` (32 concurrent); a {EarnWarmUpSeconds} s warm-up; then {options.PassSeconds} s closed-loop passes at 8, 32 and 64 clients, each request
              `POST /points/awards` with `X-Api-Key` and one award `{AwardShape}`, accounts round-robin. A command counts when the answer is 200 with `awarded: 1`.
              The paced pass sends at half the best rate from 32 clients and measures latency from each request's scheduled time. "cores" is CPU time from `/proc` divided by wall time.
            - **contention**: the same command on 10 hot accounts at 32 clients for {options.PassSeconds} s; 409 answers are conflicts. Afterwards every seeded account's `earned` (`GET /me/points`)
              must equal the 100-point sign-up bonus plus the awards the harness saw succeed.
            - **projection-lag**: during an extra earn pass at the best client count, every 100 ms: `max(seq_id)` of `xylo.mt_events` minus the leaderboard shard's `last_seq_id` in
              `xylo.mt_event_progression` (events), and now minus the timestamp of the oldest unprocessed event (seconds).
            - **footprint**: three fresh starts of the API process as Production starts it (the committed generated code, the schema applied before by `db-apply`), time until `GET /health/ready` answers 200 (median); peak RSS is `VmHWM` from `/proc/<pid>/status` of the last one after all passes.
            - **mints**: on the bench anvil (1 s blocks, chain id 80002) the harness deploys the contracts with `ContractDeployer` as anvil account 0 and grants MINTER_ROLE to
              account 1 (the API's `PRIVATE_KEY`) and account 2 (the reference). A fresh API process runs with `Mints:ConfirmationDepth=1` (anvil does not reorganise) and the
              default poll interval of 1,000 ms. {(options.Mints + 3) / 4:N0} fans sign in, link a fresh wallet by SIWE and wait for their 100 sign-up points; one reward costs 20 with
              supply {options.Mints:N0}. Reference first: account 2 sends {options.Mints:N0} `mint` calls through Nethereum (local nonces, the pipeline's fee rule and gas margin, 32
              concurrent sends), timed until its latest nonce shows all mined. Then ours: {options.Mints:N0} `POST /me/mints` (4 per fan, 64 concurrent), timed from the first
              request to the last `ConfirmedAt` of the mint views; latency is `ConfirmedAt − RequestedAt`; the steps' waits come from the mint streams' event timestamps.
              Checks: distinct token ids = requests, exactly one `RewardMinted` log per request id, the signer's `SignerNonce` = its chain nonce (latest and pending).
            - **audit**: {options.AuditEvents:N0} events seeded by binary COPY into Marten's tables (timestamps spread over 30 days, 20 events per stream, 30 % of streams `points_account`),
              the AuditChain subscription left to hash them all, then {options.PassSeconds} s of `GET /audit/events?streamType=points_account&from=<day>&to=<day+1>&after=<random sequence in that day>&limit=100`
              as an auditor at 8 clients after a 3 s warm-up; the query plan PostgreSQL chose is kept in the JSON.
            - **rebuild and restore** start from an emptied database (every schema the xylo role owns dropped), so the logs that earlier scenarios left are not counted.
            - **rebuild**: a realistic log seeded by binary COPY into `xylo.mt_streams`/`xylo.mt_events` ({options.RebuildEvents:N0} events: per user an `external_login` stream with one claim and a `user`
              stream with registration, sign-up bonus and three rounds of two awards, a hold spent and a hold voided; users interleaved; rows shaped as the API writes them); the seeding rate is the reference.
              Then, API stopped, `dotnet Xylo.Api.dll projections rebuild --shard-timeout 30m` (the product's command line: every projection — inline snapshots, inline views, the async leaderboard — and the AuditChain
              subscription; the archive is off for it): events in the log / wall time of the command including host start. The views are then counted against the log (balances, history, profiles).
            - **restore**: the API with `Archive:Enabled=true` and `Archive:Directory` under `.local/bench/archive/`; `xylo_archive_lag_seconds` read from `/metrics` every 250 ms during a {options.PassSeconds} s earn pass
              at 32 clients (≤ 500 users, the earn command above). Then the log is brought to {options.RestoreEvents:N0} events (the same COPY seeding, shared with rebuild), the API is started again until
              `xylo_archive_last_sequence` reaches the head (the catch-up rate), stopped, and `dotnet Xylo.Api.dll recovery restore --archive <dir> --database-url <empty database xylo_restore>` is timed:
              import with verification, then every projection rebuilt; events / wall time of the command. The restored views are counted against the restored log.
              Then `recovery digest --database-url <restored>` (the log read back, whose digest must equal the restore's, and the read models' digest) is timed as its own row.
            """;
        // Hand-written analysis below the marker survives regeneration.
        const string NotesMarker = "<!-- notes: kept by ./xylo bench across runs -->";
        var notes = File.Exists(options.DocsFile) && (await File.ReadAllTextAsync(options.DocsFile, cancellation)) is var old && old.Contains(NotesMarker, StringComparison.Ordinal)
            ? old[old.IndexOf(NotesMarker, StringComparison.Ordinal)..]
            : NotesMarker + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(options.DocsFile)!);
        await File.WriteAllTextAsync(options.DocsFile, text.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n\n" + notes, cancellation);
    }
}
