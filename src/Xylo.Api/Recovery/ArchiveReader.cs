using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Xylo.Api.EventLog;

namespace Xylo.Api.Recovery;

/// <summary>
/// The archive's events in order, each segment checked before any of its events is handed out: present,
/// hash equal to the manifest's, chained to its predecessor, covering the sequences right after it.
/// </summary>
public static class ArchiveReader
{
    /// <summary>Segments this far ahead of the one being handed out are read, checked and decoded on another thread.</summary>
    private const int ReadAhead = 2;

    public static async IAsyncEnumerable<StoredEvent> ReadAsync(IArchiveStore store, RestorePoint until,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var manifest = await store.ReadManifestAsync(cancellation);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var segments = Channel.CreateBounded<List<StoredEvent>>(new BoundedChannelOptions(ReadAhead) { SingleReader = true, SingleWriter = true });
        var reader = Task.Run(async () =>
        {
            try
            {
                var decoder = new SegmentDecoder();
                var previous = ArchiveSegment.Genesis;
                var expectedFrom = 1L;
                foreach (var segment in manifest)
                {
                    var events = await ReadSegmentAsync(store, decoder, segment, previous, expectedFrom, stop.Token);
                    await segments.Writer.WriteAsync(events, stop.Token);
                    previous = segment.Sha256;
                    expectedFrom = segment.To + 1;
                }

                segments.Writer.Complete();
            }
            catch (Exception e)
            {
                segments.Writer.Complete(e);
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var events in segments.Reader.ReadAllAsync(cancellation))
            {
                foreach (var e in events)
                {
                    if (until.IsPast(e)) yield break;
                    yield return e;
                }
            }
        }
        finally
        {
            // Stopped early (the restore point, an error downstream): the read-ahead stops too.
            await stop.CancelAsync();
            await reader;
        }
    }

    private static async Task<List<StoredEvent>> ReadSegmentAsync(IArchiveStore store, SegmentDecoder decoder, ArchiveSegment segment, string previous, long expectedFrom,
        CancellationToken cancellation)
    {
        if (segment.PreviousSha256 != previous)
            throw new ArchiveCorruptException(segment.Name, $"chain broken: it follows {segment.PreviousSha256}, the segment before it is {previous}");
        if (segment.From != expectedFrom)
            throw new ArchiveCorruptException(segment.Name, $"not contiguous: starts at sequence {segment.From}, expected {expectedFrom}");
        var bytes = await store.ReadSegmentAsync(segment.Name, cancellation)
            ?? throw new ArchiveCorruptException(segment.Name, $"missing from {store.Location}");
        var hash = SegmentCodec.Sha256(bytes);
        if (hash != segment.Sha256)
            throw new ArchiveCorruptException(segment.Name, $"sha256 {hash} differs from the manifest's {segment.Sha256}");

        List<StoredEvent> events;
        try
        {
            events = decoder.Decode(bytes, (int)Math.Min(segment.Events, 1 << 20));
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ArchiveCorruptException(segment.Name, $"unreadable: {e.Message}");
        }

        var last = segment.From - 1;
        foreach (var e in events)
        {
            if (e.Seq <= last || e.Seq > segment.To)
                throw new ArchiveCorruptException(segment.Name, $"sequence {e.Seq} out of order or outside {segment.From}-{segment.To}");
            last = e.Seq;
        }

        if (events.Count != segment.Events)
            throw new ArchiveCorruptException(segment.Name, $"{events.Count} events, the manifest says {segment.Events}");
        return events;
    }
}
