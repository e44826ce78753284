using Prometheus;
using Xylo.Api.EventLog;

namespace Xylo.Api.Recovery;

/// <summary>
/// The archive's only writer. The open segment is buffered in memory and the manifest, not the daemon's
/// progress, says what is archived: after a crash the next page is read from the database starting after the
/// last closed segment, so a lost buffer is written again and never skipped.
/// </summary>
/// <remarks>
/// Only one node should write: the one the daemon gives the archive's pages to. Leadership can move while the old
/// node still holds a buffer, so a segment is written under a database lock on the archive and only if the
/// manifest's last entry is where this writer believes: checked before the segment file is written, and again by
/// the append. A refused writer drops its buffer and starts again from the manifest, up to the last page it was
/// given. The archive's head row follows the manifest, so every node can read the lag from it.
/// </remarks>
public sealed class ArchiveWriter : IAsyncDisposable
{
    private const int ReadBatch = 5_000;

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private static readonly Gauge Lag = Prometheus.Metrics.CreateGauge("xylo_archive_lag_seconds",
        "Age of the oldest committed event not yet in a closed archive segment (0 when all are archived): the RPO on total database loss.");

    private static readonly Gauge LastSequence = Prometheus.Metrics.CreateGauge("xylo_archive_last_sequence",
        "Highest event sequence covered by a closed archive segment.");

    private static readonly Counter Segments = Prometheus.Metrics.CreateCounter("xylo_archive_segments_total", "Archive segments closed.");

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<StoredEvent> _open = [];
    private readonly EventLogDatabase _log;
    private readonly ArchiveHeadTable _head;
    private readonly ILogger<ArchiveWriter> _logger;
    private readonly TimeProvider _clock;
    private bool _active;
    private bool _headKnown;
    private long _ceiling;
    private DateTimeOffset _retryAt;
    private long _closedTo;
    private long _coveredTo;
    private string _lastHash = ArchiveSegment.Genesis;
    private DateTimeOffset _openedAt;

    public ArchiveWriter(IConfiguration configuration, IHostEnvironment environment, IArchiveStore store, EventLogDatabase log,
        ArchiveHeadTable head, ILogger<ArchiveWriter> logger, TimeProvider clock)
    {
        Options = ArchiveOptions.From(configuration, environment);
        Store = store;
        _logger = logger;
        _clock = clock;
        _log = log;
        _head = head;
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
            _ceiling = Math.Max(_ceiling, ceiling);
            await CatchUpAsync(cancellation);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Closes a segment that has been open long enough; after a refused or failed close, starts again from the
    /// manifest up to the last page this node was given (no new page may come on a quiet system); and refreshes
    /// the lag metric.
    /// </summary>
    public async Task TickAsync(CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            try
            {
                if (!_active && _ceiling > 0 && _clock.GetUtcNow() >= _retryAt) await CatchUpAsync(cancellation);
                else if (_active && SegmentDue()) await CloseAsync(cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A reload that cannot succeed yet (storage down, an archive beyond this database's log): try again
                // later, not every second, and keep the lag current meanwhile.
                _retryAt = _clock.GetUtcNow() + RetryAfterFailure;
                throw;
            }
            finally
            {
                // Every node publishes the same figure: the lag behind the archive's head row, whichever node writes.
                if (!_headKnown) _headKnown = await EnsureHeadAsync(cancellation);
                Lag.Set(await _head.LagSecondsAsync(Store.Location, cancellation));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellation)
    {
        // Becoming the writer (first page on this node, the daemon moved here, or a close was refused): the
        // manifest, not what this node saw before, says where the archive ends.
        if (!_active)
        {
            await LoadAsync(cancellation);
            _active = true;
        }

        while (_coveredTo < _ceiling)
        {
            var batch = await _log.ReadAsync(_coveredTo, _ceiling, ReadBatch, cancellation);
            if (batch.Count == 0)
            {
                _coveredTo = _ceiling;
                break;
            }

            foreach (var e in batch)
            {
                if (_open.Count == 0) _openedAt = _clock.GetUtcNow();
                _open.Add(e);
                _coveredTo = e.Seq;
                if (_open.Count >= Options.SegmentEvents && !await CloseAsync(cancellation)) return;
            }

            if (batch.Count < ReadBatch) _coveredTo = _ceiling;
        }

        if (SegmentDue()) await CloseAsync(cancellation);
    }

    private bool SegmentDue() => _open.Count > 0 && _clock.GetUtcNow() - _openedAt >= Options.SegmentAge;

    private async Task LoadAsync(CancellationToken cancellation)
    {
        _open.Clear();
        _closedTo = 0;
        _lastHash = ArchiveSegment.Genesis;
        // Under the archive's lock: no other node closes a segment between reading the manifest and moving the head.
        await using var head = await _head.LockAsync(Store.Location, cancellation);
        if (await Store.LastManifestEntryAsync(cancellation) is { } last)
        {
            if (await LogEndBeforeAsync(last, cancellation) is { } newest)
            {
                throw new InvalidOperationException(
                    $"The archive in {Store.Location} reaches sequence {last.LastSeq} but the database's log ends at {newest}: " +
                    "this database was restored to an earlier point or replaced. Point Archive:Directory at a new directory.");
            }

            _closedTo = last.To;
            _lastHash = last.Sha256;
        }

        await head.MoveAsync(_closedTo, _lastHash, cancellation);
        await head.CommitAsync(cancellation);
        _coveredTo = _closedTo;
        LastSequence.Set(_closedTo);
        _logger.LogInformation("Archive in {ArchiveLocation} continues after sequence {ArchivedSequence}", Store.Location, _closedTo);
    }

    /// <summary>Writes the open segment; false when another node has moved the archive on (this one stops writing).</summary>
    private async Task<bool> CloseAsync(CancellationToken cancellation)
    {
        var from = _closedTo + 1;
        var to = _coveredTo;
        var bytes = SegmentCodec.Encode(_open);
        var hash = SegmentCodec.Sha256(bytes);
        var segment = new ArchiveSegment(ArchiveSegment.NameFor(from, to), from, to, _open.Count, _open[0].Seq, _open[^1].Seq,
            _open[0].Timestamp, _open[^1].Timestamp, hash, _lastHash);

        try
        {
            await using var head = await _head.LockAsync(Store.Location, cancellation);
            // The manifest is the truth: checked before the segment file is written (a segment it lists is never
            // overwritten), and again by the append itself.
            var last = await Store.LastManifestEntryAsync(cancellation);
            if ((last?.To ?? 0, last?.Sha256 ?? ArchiveSegment.Genesis) != (_closedTo, _lastHash))
            {
                return Refused($"the manifest ends at sequence {last?.To ?? 0}");
            }

            await Store.PutSegmentAsync(segment.Name, bytes, cancellation);
            await Store.AppendManifestAsync(segment, cancellation);
            await head.MoveAsync(to, hash, cancellation);
            await head.CommitAsync(cancellation);
        }
        catch (ArchiveConflictException conflict)
        {
            return Refused(conflict.Message);
        }
        catch
        {
            // Whether the manifest has this segment is unknown now: the next page starts again from the manifest.
            Deactivate();
            throw;
        }

        _closedTo = to;
        _lastHash = hash;
        _open.Clear();
        Segments.Inc();
        LastSequence.Set(to);
        _logger.LogInformation("Archive segment {Segment} closed: {Events} events, sequences {From}-{To}, {Bytes} bytes",
            segment.Name, segment.Events, from, to, bytes.Length);
        return true;
    }

    private bool Refused(string why)
    {
        _logger.LogWarning(
            "Archive in {ArchiveLocation}: segment after sequence {ArchivedSequence} refused ({Reason}): another node has written the archive on. " +
            "This node drops its open segment ({Events} events) and starts again from the manifest",
            Store.Location, _closedTo, why, _open.Count);
        Deactivate();
        return false;
    }

    private void Deactivate()
    {
        _active = false;
        _open.Clear();
    }

    /// <summary>A head row for the lag to be read from, taken from the manifest if no writer has made one yet.</summary>
    private async Task<bool> EnsureHeadAsync(CancellationToken cancellation)
    {
        await using var head = await _head.LockAsync(Store.Location, cancellation);
        if (!await head.ExistsAsync(cancellation))
        {
            var last = await Store.LastManifestEntryAsync(cancellation);
            // An archive that reaches beyond this database's log (restored to an earlier point) is no head for it:
            // without a row the lag counts from the first event, and the alert fires.
            if (last is not null && await LogEndBeforeAsync(last, cancellation) is not null) return false;
            await head.MoveAsync(last?.To ?? 0, last?.Sha256 ?? ArchiveSegment.Genesis, cancellation);
        }

        await head.CommitAsync(cancellation);
        return true;
    }

    /// <summary>The database log's last sequence when it ends before <paramref name="last"/> does (restored to an earlier point), else null.</summary>
    private async Task<long?> LogEndBeforeAsync(ArchiveSegment last, CancellationToken cancellation)
    {
        var newest = await _log.MaxSequenceAsync(cancellation);
        return newest < last.LastSeq ? newest : null;
    }

    public ValueTask DisposeAsync()
    {
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
