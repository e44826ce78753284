using System.Diagnostics;
using Marten;

namespace Xylo.Api.Tests.Recovery;

/// <summary>
/// Every projection of a store rebuilt by Marten's daemon (its pages, its folds, its writes), all at once: the reference
/// the one-pass replay (<see cref="Xylo.Api.Recovery.LogReplay"/>) is checked against. The product rebuilds with the replay.
/// </summary>
public static class DaemonRebuild
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    public static async Task<TimeSpan> RebuildAllAsync(DocumentStore store, long head, Action<string> progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var names = store.Options.Projections.All.Select(p => p.Name).ToList();
        using var daemon = await store.BuildProjectionDaemonAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var reporter = ReportAsync(store, names, head, clock, progress, stop.Token);
        try
        {
            // The views are independent and all start at once, as the projections command runs them: the longest (the
            // points accounts) sets the wall time, and the others fold on the CPU while it waits on the database. Two at
            // a time, the leaderboard started only after the accounts and the restore's rebuild took 145 s, not 60 s.
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = names.Count, CancellationToken = cancellation },
                async (name, ct) =>
                {
                    var started = clock.Elapsed;
                    await daemon.RebuildProjectionAsync(name, TimeSpan.FromMinutes(30), ct);
                    progress($"rebuilt {name} in {(clock.Elapsed - started).TotalSeconds:F1} s");
                });
        }
        finally
        {
            await stop.CancelAsync();
            await reporter;
        }

        await daemon.StopAllAsync();
        progress($"rebuilt {names.Count} views over {head:N0} events in {clock.Elapsed.TotalSeconds:F1} s ({head / Math.Max(clock.Elapsed.TotalSeconds, 1e-6):N0} events/s)");
        return clock.Elapsed;
    }

    /// <summary>
    /// Every <see cref="ProgressEvery"/>: events replayed (the views' average position), events/s and the time left,
    /// from the positions the daemon records for each view.
    /// </summary>
    private static async Task ReportAsync(DocumentStore store, IReadOnlyList<string> names, long head, Stopwatch clock, Action<string> progress,
        CancellationToken cancellation)
    {
        var shards = names.Select(n => $"{n}:All").ToHashSet(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(ProgressEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation))
            {
                var positions = (await store.Advanced.AllProjectionProgress(token: cancellation))
                    .Where(s => shards.Contains(s.ShardName)).Sum(s => Math.Min(s.Sequence, head));
                progress(ProgressLine(positions / Math.Max(1, names.Count), head, names.Count, clock.Elapsed));
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }

    private static string ProgressLine(long done, long head, int views, TimeSpan elapsed)
    {
        var rate = done / Math.Max(elapsed.TotalSeconds, 1e-6);
        return $"rebuilding {views} views: {done:N0} of {head:N0} events ({rate:N0} events/s, ETA {(rate > 0 ? $"{(head - done) / rate:F0} s" : "-")})";
    }
}
