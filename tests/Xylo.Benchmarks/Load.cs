using System.Diagnostics;

namespace Xylo.Benchmarks;

internal enum Outcome
{
    Ok,
    Conflict,
    Error,
}

internal sealed record LoadResult(
    int Clients, double Seconds, long Requests, long Ok, long Conflicts, long Errors, double OkPerSecond,
    double P50Ms, double P95Ms, double P99Ms, double MaxMs, double? TargetRate);

/// <summary>
/// A closed-loop load client: <c>clients</c> workers, each sending one request at a time, until the
/// duration is over or <c>maxRequests</c> were sent, whichever comes first. With a target rate the
/// requests are paced on a global schedule and latency is measured from each request's scheduled time
/// (so a stalled server is not hidden by the client waiting).
/// </summary>
internal static class Load
{
    public static async Task<LoadResult> RunAsync(int clients, TimeSpan duration, long maxRequests, double? targetRate,
        Func<long, CancellationToken, Task<Outcome>> send, CancellationToken cancellation)
    {
        long next = -1, ok = 0, conflicts = 0, errors = 0;
        var latencies = new List<double>[clients];
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(4096);
            while (!cancellation.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= maxRequests || clock.Elapsed >= duration) break;
                double start;
                if (targetRate is { } rate)
                {
                    start = i / rate;
                    if (start >= duration.TotalSeconds) break;
                    var wait = start - clock.Elapsed.TotalSeconds;
                    if (wait > 0.001) await Task.Delay(TimeSpan.FromSeconds(wait), cancellation);
                }
                else
                {
                    start = clock.Elapsed.TotalSeconds;
                }

                Outcome outcome;
                try
                {
                    outcome = await send(i, cancellation);
                }
                catch (HttpRequestException)
                {
                    outcome = Outcome.Error;
                }
                catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    outcome = Outcome.Error; // the client's own timeout
                }

                mine.Add((clock.Elapsed.TotalSeconds - start) * 1000.0);
                switch (outcome)
                {
                    case Outcome.Ok: Interlocked.Increment(ref ok); break;
                    case Outcome.Conflict: Interlocked.Increment(ref conflicts); break;
                    default: Interlocked.Increment(ref errors); break;
                }
            }
        }).ToList();
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(clients, seconds, all.Length, ok, conflicts, errors, ok / seconds,
            Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99), all.Length == 0 ? 0 : all[^1], targetRate);
    }

    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return 0;
        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
