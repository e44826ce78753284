using System.Runtime.InteropServices;
using System.Diagnostics;
using System.Runtime;
using System.Threading.Channels;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;
using Xylo.Api.EventLog;
using System.Text;

namespace Xylo.Api.Recovery;

/// <summary>
/// Every projection of a store rebuilt from one read of the log: each event a view needs is read and deserialized once
/// and handed to every view that takes its type; aggregations fold in memory with their own <c>DetermineActionAsync</c>
/// (the Create/Apply code the live projections run), the leaderboard gets its events in large batches, and each view is
/// written once at the end by binary COPY. For the commands that replay the log with the API stopped (<c>recovery
/// rebuild</c>, <c>restore</c>, <c>pit</c>); the admin's rebuild of one view while the API runs stays on Marten's daemon,
/// which catches up with the appends made during it.
/// </summary>
/// <remarks>
/// The daemon's rebuild reads the log once per view, in pages, and spent about 35 µs per event of the points accounts
/// in its generic read path (an async read per column, a stream per event's JSON): 1,000,000 events took 44 s with every
/// view at once, 33 s of it the points accounts.
/// </remarks>
public static class LogReplay
{
    /// <summary>Events per read: each is one range query planned with its values (the replay commands' pool).</summary>
    public const int ReadBatch = 50_000;

    /// <summary>Documents a view holds in memory before it writes them all and forgets them (loaded back when they change).</summary>
    public const int DefaultFlushAt = 1_000_000;

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    public sealed record Result(long Events, long Documents, TimeSpan Elapsed);

    /// <param name="flushAt">documents a view holds before it writes them all (tests make it tiny to cover the reloads)</param>
    /// <param name="readBatch">sequence numbers per read</param>
    public static Task<Result> RebuildAllAsync(DocumentStore store, EventLogDatabase log, long head, Action<string> progress, CancellationToken cancellation,
        int flushAt = DefaultFlushAt, int readBatch = ReadBatch) =>
        RunAsync(store, log, progress, flushAt, head, async (types, output, ct) =>
        {
            for (long after = 0; after < head; after += readBatch)
            {
                var batch = await log.ReadForReplayAsync(after, Math.Min(after + readBatch, head), types, ct);
                if (batch.Count > 0) await output.WriteAsync(batch, ct);
            }
        }, () => head, cancellation);

    /// <summary>
    /// A restore's views folded while its events are imported: <paramref name="import"/> consumes the events, and each one
    /// a view takes is handed to the folds as it passes (deserialized on a thread of its own). The views are written
    /// once the import has finished.
    /// </summary>
    public static async Task<(TImport Imported, Result Replay)> AlongsideAsync<TImport>(DocumentStore store, EventLogDatabase log,
        IAsyncEnumerable<StoredEvent> events, Func<IAsyncEnumerable<StoredEvent>, Task<TImport>> import, Func<TImport, long> head, Action<string> progress,
        CancellationToken cancellation)
    {
        TImport imported = default!;
        var result = await RunAsync(store, log, progress, DefaultFlushAt, null,
            async (types, output, ct) => imported = await import(TeeAsync(events, types, output, ct)), () => head(imported), cancellation);
        return (imported, result);
    }

    private static async IAsyncEnumerable<StoredEvent> TeeAsync(IAsyncEnumerable<StoredEvent> events, IReadOnlySet<string> types,
        ChannelWriter<List<StoredEvent>> output, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        var batch = new List<StoredEvent>(TeeBatch);
        await foreach (var e in events.WithCancellation(cancellation))
        {
            yield return e;
            if (e.IsArchived || !types.Contains(e.Type)) continue;
            batch.Add(e);
            if (batch.Count < TeeBatch) continue;
            await output.WriteAsync(batch, cancellation);
            batch = new List<StoredEvent>(TeeBatch);
        }

        if (batch.Count > 0) await output.WriteAsync(batch, cancellation);
    }

    private const int TeeBatch = 10_000;

    private static IEvent ToEvent(ISerializer serializer, EventMapping mapping, StoredEvent stored)
    {
        var e = MemoryMarshal.TryGetArray(stored.DataUtf8, out var utf8)
            ? mapping.Wrap(serializer.FromJson(mapping.DocumentType, new MemoryStream(utf8.Array!, utf8.Offset, utf8.Count, writable: false)))
            : throw new InvalidOperationException("event data not held in an array");
        e.Sequence = stored.Seq;
        e.Id = stored.Id;
        e.StreamId = stored.StreamId;
        e.Version = stored.Version;
        e.Timestamp = stored.Timestamp;
        e.TenantId = stored.TenantId;
        e.CorrelationId = stored.CorrelationId;
        e.CausationId = stored.CausationId;
        e.UserName = stored.UserName;
        return e;
    }

    /// <summary>What feeds a replay: the events of <c>types</c> (their aliases), as stored, in sequence order, in batches.</summary>
    private delegate Task EventSource(IReadOnlySet<string> types, ChannelWriter<List<StoredEvent>> output, CancellationToken cancellation);

    /// <param name="expected">the head when it is known before the replay (for the progress line's ETA)</param>
    private static async Task<Result> RunAsync(DocumentStore store, EventLogDatabase log, Action<string> progress, int flushAt, long? expected, EventSource source,
        Func<long> head, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        // The folds' documents live for the whole replay and reach the oldest generation, and they churn: full collections
        // of them run in the background rather than stopping every stage (a 1,000,000-event restore paused 3.8-4.3 s
        // in blocking ones, against 2.8 s; Batch mode's blocking collections had looked cheaper before the archive's
        // buffers were kept, when most full collections were set off by them).
        var latency = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        try
        {
            return await ReplayAsync(store, log, progress, clock, flushAt, expected, source, head, cancellation);
        }
        finally
        {
            GCSettings.LatencyMode = latency;
        }
    }

    private static async Task<Result> ReplayAsync(DocumentStore store, EventLogDatabase log, Action<string> progress, Stopwatch clock, int flushAt, long? expected,
        EventSource source, Func<long> headOf, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var folds = store.Options.Projections.All.Select(p => ViewFold.For(store, p, session, flushAt)).ToList();
        var graph = (EventGraph)store.Options.Events;
        var byType = folds.SelectMany(f => f.EventTypes.Select(t => (Type: t, Fold: f))).GroupBy(x => x.Type)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Fold).ToArray());
        var mappings = byType.Keys.Select(graph.EventMappingFor).ToDictionary(m => m.EventTypeName, StringComparer.Ordinal);

        await EmptyAsync(store, folds, cancellation);
        progress($"replaying {(expected is { } n ? $"{n:N0} events" : "the events as they are imported")} into {folds.Count} views ({string.Join(", ", folds.Select(f => f.Name))})");

        // Three stages a few batches apart, so that on two cores they overlap: the source (a read of the log, or a
        // restore's import), the deserialization into Marten's envelopes, and the folds.
        var stored = Channel.CreateBounded<List<StoredEvent>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        var batches = Channel.CreateBounded<List<IEvent>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        long read = 0, folded = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var reader = Stage(stored.Writer, () => source(mappings.Keys.ToHashSet(StringComparer.Ordinal), stored.Writer, stop.Token));
        var converter = Stage(batches.Writer, async () =>
        {
            var serializer = store.Options.Serializer();
            await foreach (var batch in stored.Reader.ReadAllAsync(stop.Token))
            {
                Interlocked.Add(ref read, batch.Count);
                await batches.Writer.WriteAsync(batch.Select(e => ToEvent(serializer, mappings[e.Type], e)).ToList(), stop.Token);
            }
        });

        var reported = TimeSpan.Zero;
        var perFold = folds.ToDictionary(f => f, _ => new List<IEvent>());
        try
        {
            await FoldAllAsync();
        }
        catch
        {
            // The earlier stages stop instead of waiting on a full channel.
            await stop.CancelAsync();
            await Task.WhenAll(reader, converter);
            throw;
        }

        async Task FoldAllAsync()
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(cancellation))
            {
                foreach (var list in perFold.Values) list.Clear();
                foreach (var e in batch)
                {
                    foreach (var fold in byType[e.EventType]) perFold[fold].Add(e);
                }

                foreach (var (fold, events) in perFold)
                {
                    if (events.Count > 0) await fold.FoldAsync(events, cancellation);
                }

                folded = batch[^1].Sequence;
                if (clock.Elapsed - reported >= ProgressEvery)
                {
                    reported = clock.Elapsed;
                    progress(ProgressLine(folded, expected, clock.Elapsed));
                }
            }
        }

        await Task.WhenAll(reader, converter);
        var head = headOf();
        progress($"replayed {Interlocked.Read(ref read):N0} events of {head:N0} in {clock.Elapsed.TotalSeconds:F1} s; writing {folds.Count} views");

        // Each view writes on its own connection; two at a time keep both cores busy without queueing behind each other,
        // the largest first (the points accounts took as long as all the others together, and were started last).
        long documents = 0;
        await Parallel.ForEachAsync(folds.OrderByDescending(f => f.Pending).ToList(), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellation }, async (fold, ct) =>
        {
            var started = clock.Elapsed;
            var written = await fold.CompleteAsync(ct);
            Interlocked.Add(ref documents, written);
            progress($"wrote {fold.Name}: {written:N0} documents in {(clock.Elapsed - started).TotalSeconds:F1} s");
        });

        await log.MarkProgressAsync(folds.Select(f => $"{f.Name}:All").ToList(), head, cancellation);
        progress($"rebuilt {folds.Count} views over {head:N0} events in {clock.Elapsed.TotalSeconds:F1} s ({head / Math.Max(clock.Elapsed.TotalSeconds, 1e-6):N0} events/s)");
        return new Result(head, documents, clock.Elapsed);
    }

    private static string ProgressLine(long done, long? head, TimeSpan elapsed)
    {
        var rate = done / Math.Max(elapsed.TotalSeconds, 1e-6);
        return head is { } total
            ? $"replaying: {done:N0} of {total:N0} events ({rate:N0} events/s, ETA {(rate > 0 ? $"{(total - done) / rate:F0} s" : "-")})"
            : $"replaying: up to sequence {done:N0} ({rate:N0} events/s)";
    }

    /// <summary>Every view's tables emptied first, as the daemon's rebuild tears a view down.</summary>
    private static async Task EmptyAsync(DocumentStore store, IReadOnlyList<IViewFold> folds, CancellationToken cancellation)
    {
        var tables = folds.SelectMany(f => f.DocumentTypes).Distinct().Select(t => ViewFold.Table(store, t)).ToList();
        if (tables.Count == 0) return;
        await using var connection = await ViewFold.OpenAsync(store, cancellation);
        await using var truncate = new NpgsqlCommand($"truncate {string.Join(", ", tables)}", connection);
        await truncate.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>
    /// Runs a stage and completes its output channel when it ends: with its failure, so that the next stage fails with
    /// it, and the stage before it, stopped by the same token, no longer waits on a full channel.
    /// </summary>
    private static Task Stage<T>(ChannelWriter<T> output, Func<Task> run) => Task.Run(async () =>
    {
        try
        {
            await run();
            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
        }
    });
}
