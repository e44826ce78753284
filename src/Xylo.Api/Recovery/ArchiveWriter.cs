using Npgsql;
using Prometheus;
using Xylo.Api.Hosting;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Recovery;

/// <summary>
/// The archive's only writer. The open segment is buffered in memory and the manifest, not the daemon's
/// progress, says what is archived: after a crash the next page is read from the database starting after the
/// last closed segment, so a lost buffer is written again and never skipped.
/// </summary>
public sealed class ArchiveWriter : IAsyncDisposable
{
    private const int ReadBatch = 5_000;

    private static readonly Gauge Lag = Prometheus.Metrics.CreateGauge("xylo_archive_lag_seconds",
        "Age of the oldest committed event not yet in a closed archive segment (0 when all are archived): the RPO on total database loss.");

    private static readonly Gauge LastSequence = Prometheus.Metrics.CreateGauge("xylo_archive_last_sequence",
        "Highest event sequence covered by a closed archive segment.");

    private static readonly Counter Segments = Prometheus.Metrics.CreateCounter("xylo_archive_segments_total", "Archive segments closed.");

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<ArchivedEvent> _open = [];
    private readonly NpgsqlDataSource _database;
    private readonly ILogger<ArchiveWriter> _logger;
    private readonly TimeProvider _clock;
    private bool _active;
    private long _closedTo;
    private long _coveredTo;
    private string _lastHash = ArchiveSegment.Genesis;
    private DateTimeOffset _openedAt;

    public ArchiveWriter(IConfiguration configuration, IHostEnvironment environment, IArchiveStore store, ILogger<ArchiveWriter> logger, TimeProvider clock)
    {
        Options = ArchiveOptions.From(configuration, environment);
        Store = store;
        _logger = logger;
        _clock = clock;
        var databaseUrl = configuration[XyloSecrets.DatabaseUrl] ?? throw new InvalidOperationException($"{XyloSecrets.DatabaseUrl} is not set");
        _database = NpgsqlDataSource.Create(ConnectionUrls.ToNpgsql(databaseUrl));
    }

    public ArchiveOptions Options { get; }

    public IArchiveStore Store { get; }

    /// <summary>Highest sequence in a closed segment.</summary>
    public long ClosedTo => _closedTo;

    /// <summary>Takes every committed event up to <paramref name="ceiling"/> (the daemon's page ceiling) into the archive.</summary>
    public async Task AcceptAsync(long ceiling, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            // Becoming the writer (first page on this node, or the daemon moved here from another node): the
            // manifest, not what this node saw before, says where the archive ends.
            if (!_active) await LoadAsync(cancellation);
            _active = true;
            while (_coveredTo < ceiling)
            {
                var batch = await EventLog.ReadAsync(_database, CritterStackSetup.Schema, _coveredTo, ceiling, ReadBatch, cancellation);
                if (batch.Count == 0)
                {
                    _coveredTo = ceiling;
                    break;
                }

                foreach (var e in batch)
                {
                    if (_open.Count == 0) _openedAt = _clock.GetUtcNow();
                    _open.Add(e);
                    _coveredTo = e.Seq;
                    if (_open.Count >= Options.SegmentEvents) await CloseAsync(cancellation);
                }

                if (batch.Count < ReadBatch) _coveredTo = ceiling;
            }

            if (SegmentDue()) await CloseAsync(cancellation);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes a segment that has been open long enough, and refreshes the lag metric.</summary>
    public async Task TickAsync(CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            // Only the node that writes knows where the archive ends; the others publish nothing (alert on the max).
            if (!_active) return;
            if (SegmentDue()) await CloseAsync(cancellation);
            Lag.Set(await LagSecondsAsync(cancellation));
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool SegmentDue() => _open.Count > 0 && _clock.GetUtcNow() - _openedAt >= Options.SegmentAge;

    private async Task LoadAsync(CancellationToken cancellation)
    {
        _open.Clear();
        _closedTo = 0;
        _lastHash = ArchiveSegment.Genesis;
        var manifest = await Store.ReadManifestAsync(cancellation);
        if (manifest.Count > 0)
        {
            var last = manifest[^1];
            var newest = await EventLog.MaxSequenceAsync(_database, CritterStackSetup.Schema, cancellation);
            if (newest < last.LastSeq)
            {
                throw new InvalidOperationException(
                    $"The archive in {Store.Location} reaches sequence {last.LastSeq} but the database's log ends at {newest}: " +
                    "this database was restored to an earlier point or replaced. Point Archive:Directory at a new directory.");
            }

            _closedTo = last.To;
            _lastHash = last.Sha256;
        }

        _coveredTo = _closedTo;
        LastSequence.Set(_closedTo);
        _logger.LogInformation("Archive in {ArchiveLocation} continues after sequence {ArchivedSequence} ({Segments} segments)",
            Store.Location, _closedTo, manifest.Count);
    }

    private async Task CloseAsync(CancellationToken cancellation)
    {
        var from = _closedTo + 1;
        var to = _coveredTo;
        var bytes = SegmentCodec.Encode(_open);
        var hash = SegmentCodec.Sha256(bytes);
        var segment = new ArchiveSegment(ArchiveSegment.NameFor(from, to), from, to, _open.Count, _open[0].Seq, _open[^1].Seq,
            _open[0].Timestamp, _open[^1].Timestamp, hash, _lastHash);

        await Store.PutSegmentAsync(segment.Name, bytes, cancellation);
        await Store.AppendManifestAsync(segment, cancellation);

        _closedTo = to;
        _lastHash = hash;
        _open.Clear();
        Segments.Inc();
        LastSequence.Set(to);
        _logger.LogInformation("Archive segment {Segment} closed: {Events} events, sequences {From}-{To}, {Bytes} bytes",
            segment.Name, segment.Events, from, to, bytes.Length);
    }

    private async Task<double> LagSecondsAsync(CancellationToken cancellation)
    {
        // The database's clock, the one that stamped the events.
        await using var command = _database.CreateCommand($"""
            select coalesce((select extract(epoch from clock_timestamp() - timestamp)::float8
                             from {CritterStackSetup.Schema}.mt_events where seq_id > $1 order by seq_id limit 1), 0)
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _closedTo });
        return Math.Max(0, (double)(await command.ExecuteScalarAsync(cancellation))!);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        _gate.Dispose();
    }
}
