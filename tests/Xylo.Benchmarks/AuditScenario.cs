using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;
using Xylo.Api.EventLog;
using Xylo.Api.Hosting;

namespace Xylo.Benchmarks;

internal sealed record AuditResult(IReadOnlyList<Row> Rows, object Figure);

/// <summary>
/// The audit read path over a large log: seeds N events by the event log's binary COPY into Marten's tables
/// (rows shaped as Marten writes them, sequence numbers reserved from mt_events_sequence, timestamps spread
/// over 30 days, 30% of the streams typed points_account, the rest user), waits for the hash chain to
/// cover them, then measures filtered pages of 100 (stream type + a one-day window, a random cursor inside
/// it) through <c>GET /audit/events</c>, and keeps the query plan PostgreSQL chose.
/// </summary>
internal static class AuditScenario
{
    private const int EventsPerStream = 20;
    private const int CopyBatch = 100_000;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<AuditResult> RunAsync(BenchOptions options, HttpClient http, string goal, CancellationToken cancellation)
    {
        await using var api = await ApiProcess.StartAsync(options, http, cancellation);
        var auditor = await Program.SignInAsync(options, http, $"bench-auditor-{Guid.NewGuid():N}", ["auditor"], cancellation);
        var origin = DateTimeOffset.UtcNow.AddDays(-31);

        Console.WriteLine($"bench: audit: seeding {options.AuditEvents:N0} events by COPY");
        var seedClock = Stopwatch.StartNew();
        var (first, last) = await SeedAsync(options, origin, cancellation);
        var seedSeconds = seedClock.Elapsed.TotalSeconds;
        var seedRate = options.AuditEvents / seedSeconds;
        Console.WriteLine($"bench: audit: seeded sequences {first:N0}..{last:N0} in {seedSeconds:F1} s ({seedRate:N0} events/s)");

        // The API runs during the COPY and its AuditChain subscription hashes each committed batch: the chain's rate is
        // over the whole time from the start of seeding, not only the wait after it.
        await WaitForChainAsync(options, last, cancellation);
        var chainSeconds = seedClock.Elapsed.TotalSeconds;
        var chainRate = options.AuditEvents / chainSeconds;
        Console.WriteLine($"bench: audit: hash chain reached {last:N0} {chainSeconds:F1} s after seeding began ({chainRate:N0} events/s)");

        var windows = await WindowsAsync(options, origin, cancellation);
        var random = Random.Shared; // the page workers run concurrently: a shared new Random(…) is not thread-safe
        var uri = options.ApiUrl + "/audit/events?streamType=points_account&limit=100";
        async Task<Outcome> Page(long i, CancellationToken ct)
        {
            var (from, to, low, high) = windows[random.Next(windows.Count)];
            var after = low + (long)(random.NextDouble() * Math.Max(1, high - low));
            using var request = new HttpRequestMessage(HttpMethod.Get,
                $"{uri}&from={Uri.EscapeDataString(from.ToString("O", Inv))}&to={Uri.EscapeDataString(to.ToString("O", Inv))}&after={after}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK) return Outcome.Error;
            await response.Content.ReadAsByteArrayAsync(ct);
            return Outcome.Ok;
        }

        Console.WriteLine("bench: audit: warm-up 3 s, then filtered pages at 8 clients");
        await Load.RunAsync(8, TimeSpan.FromSeconds(3), long.MaxValue, null, Page, cancellation);
        var r = await Load.RunAsync(8, TimeSpan.FromSeconds(options.PassSeconds), long.MaxValue, null, Page, cancellation);
        Console.WriteLine($"bench: audit: {r.OkPerSecond:F0} pages/s  p50 {r.P50Ms:F1} ms  p95 {r.P95Ms:F1} ms  p99 {r.P99Ms:F1} ms  errors {r.Errors}");
        var plan = await PlanAsync(options, windows[0], cancellation);

        Row[] rows =
        [
            new("audit", "filtered page of 100, p95", $"{r.P95Ms:F1} ms", "—", "—", goal,
                $"{options.AuditEvents:N0} seeded events; streamType + 1-day window + random cursor; 8 clients; p50 {r.P50Ms:F1} / p99 {r.P99Ms:F1} ms; {r.OkPerSecond:N0} pages/s; {r.Errors} errors; {r.Seconds:F0} s"),
            new("audit", "seeding (binary COPY)", $"{seedRate:N0} events/s", "—", "—", "—", $"{options.AuditEvents:N0} events in {seedSeconds:F1} s"),
            new("audit", "hash chain catch-up", $"{chainRate:N0} events/s", "—", "—", "—", $"{options.AuditEvents:N0} events hashed by the AuditChain subscription within {chainSeconds:F1} s of the start of seeding (it hashes while the COPY runs)"),
        ];
        return new AuditResult(rows, new
        {
            events = options.AuditEvents,
            seeding = new { method = "binary COPY into xylo.mt_streams / xylo.mt_events, sequences from mt_events_sequence", seconds = seedSeconds, eventsPerSecond = seedRate },
            chain = new { seconds = chainSeconds, eventsPerSecond = chainRate },
            query = "GET /audit/events?streamType=points_account&from=<day>&to=<day+1>&after=<random seq in the day>&limit=100",
            result = r,
            plan,
            goal,
        });
    }

    private static async Task<(long First, long Last)> SeedAsync(BenchOptions options, DateTimeOffset origin, CancellationToken cancellation)
    {
        await using var database = EventLogSeeder.Database(options);
        var log = new EventLogImporter(database, CritterStackSetup.Schema);
        var total = options.AuditEvents;
        var span = TimeSpan.FromDays(30).Ticks / (double)total;
        long first = 0, last = 0;
        for (var done = 0; done < total; done += CopyBatch)
        {
            var count = Math.Min(CopyBatch, total - done);
            var streams = Enumerable.Range(0, (count + EventsPerStream - 1) / EventsPerStream).Select(_ => Guid.CreateVersion7()).ToArray();
            var batch = done;
            await log.AppendAsync(count, sequences =>
            {
                if (first == 0) first = sequences[0];
                last = sequences[^1];
                return Enumerable.Range(0, count).Select(i => AwardRow(sequences[i], streams, i, batch)).ToList();
            }, cancellation);
            Console.WriteLine($"bench: audit: {done + count:N0} events copied");
        }

        await log.AnalyzeAsync(cancellation);
        return (first, last);

        DateTimeOffset At(long index) => origin.AddTicks((long)(index * span));

        StoredEvent AwardRow(long sequence, Guid[] streams, int i, int batch)
        {
            var at = At(batch + i);
            var stream = i / EventsPerStream;
            var data = JsonSerializer.Serialize(new
            {
                UserId = streams[stream],
                LotId = Guid.CreateVersion7(),
                Amount = 1 + (i % 50),
                Rule = "admin-award",
                Source = $"bench-audit-{batch + i}",
                Reason = "bench",
                AwardedBy = "bench",
                EarnedAt = at,
                ExpiresAt = (DateTimeOffset?)null,
            });
            return EventLogSeeder.Stored(sequence, streams[stream], stream % 10 < 3 ? "points_account" : "user", (i % EventsPerStream) + 1, "points_earned",
                "Xylo.Domain.Points.PointsEarned, Xylo.Domain", data, at, $"bench-{batch / CopyBatch}", null, "bench");
        }
    }

    private static async Task WaitForChainAsync(BenchOptions options, long last, CancellationToken cancellation)
    {
        await using var db = new NpgsqlConnection(options.Npgsql);
        await db.OpenAsync(cancellation);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(6))
        {
            await using var head = new NpgsqlCommand("select coalesce(max(seq_id), 0) from xylo.audit_chain", db);
            if ((long)(await head.ExecuteScalarAsync(cancellation))! >= last) return;
            await Task.Delay(250, cancellation);
        }

        throw new TimeoutException($"the hash chain did not reach sequence {last} within 6 minutes");
    }

    /// <summary>30 one-day windows, each with the sequence range that falls inside it (the random cursors).</summary>
    private static async Task<List<(DateTimeOffset From, DateTimeOffset To, long Low, long High)>> WindowsAsync(BenchOptions options,
        DateTimeOffset origin, CancellationToken cancellation)
    {
        await using var db = new NpgsqlConnection(options.Npgsql);
        await db.OpenAsync(cancellation);
        var windows = new List<(DateTimeOffset, DateTimeOffset, long, long)>();
        for (var day = 0; day < 30; day++)
        {
            var from = origin.AddDays(day);
            var to = from.AddDays(1);
            await using var range = new NpgsqlCommand(
                "select coalesce(min(seq_id), 0), coalesce(max(seq_id), 0) from xylo.mt_events where timestamp >= $1 and timestamp < $2", db);
            range.Parameters.Add(new NpgsqlParameter { Value = from });
            range.Parameters.Add(new NpgsqlParameter { Value = to });
            await using var reader = await range.ExecuteReaderAsync(cancellation);
            await reader.ReadAsync(cancellation);
            windows.Add((from, to, reader.GetInt64(0), reader.GetInt64(1)));
        }

        return windows;
    }

    /// <summary>The plan of one page, from the event log's own statement (<see cref="EventLogDatabase.ExplainAsync"/>).</summary>
    private static async Task<string> PlanAsync(BenchOptions options, (DateTimeOffset From, DateTimeOffset To, long Low, long High) window,
        CancellationToken cancellation)
    {
        await using var database = EventLogSeeder.Database(options);
        var log = new EventLogDatabase(database, CritterStackSetup.Schema);
        var plan = await log.ExplainAsync(new EventLogFilter(null, "points_account", null, window.From, window.To, (window.Low + window.High) / 2, 100),
            cancellation);
        Console.WriteLine("bench: audit: plan of one page:\n" + plan);
        return plan;
    }

}
