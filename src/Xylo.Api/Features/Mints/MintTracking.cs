using Marten;
using Xylo.Api.Chain;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// Which <see cref="TrackMint"/> loop owns a broadcast mint (id = the mint's), and when it last looked at the
/// chain. Every broadcast starts a loop, and so does the reconciler when the owner has gone quiet (its node
/// died); a message of any other loop ends where it is, so a mint waiting long for finality is polled by one
/// loop however often it is requeued.
/// </summary>
public sealed record MintTracking(Guid Id, Guid Loop, DateTimeOffset BeatAt)
{
    /// <summary>A new loop owns the mint from now on; the caller sends (or schedules) the returned message.</summary>
    public static TrackMint Start(IDocumentSession session, Guid mintId, DateTimeOffset now)
    {
        var loop = Guid.CreateVersion7();
        session.Store(new MintTracking(mintId, loop, now));
        return new TrackMint(mintId, loop);
    }

    /// <summary>A loop beats this often, so the reconciler, which waits a whole stall window, never takes a live loop for dead.</summary>
    public static TimeSpan BeatEvery(MintPipelineOptions options) => TimeSpan.FromSeconds(options.StalledAfterSeconds / 10.0);
}
