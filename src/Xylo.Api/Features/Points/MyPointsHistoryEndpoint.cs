using System.Security.Claims;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Projections.Points;

namespace Xylo.Api.Features.Points;

public sealed record PointsHistoryPage(IReadOnlyList<PointsHistoryEntry> Entries, long? Next);

public static class MyPointsHistoryEndpoint
{
    public const int MaxLimit = 200;

    /// <summary>Newest first; pass <c>next</c> back as <c>before</c> for the following page (keyset, stable under new writes).</summary>
    [WolverineGet("/me/points/history"), Authorize]
    public static async Task<PointsHistoryPage> Get(ClaimsPrincipal user, IQuerySession session, long? before, int? limit, CancellationToken cancellation)
    {
        var take = Math.Clamp(limit ?? 50, 1, MaxLimit);
        var userId = user.Id();
        // The user's own stream, by its (stream id, version) index: one keyset read of the log, no per-event document.
        var query = session.Events.QueryAllRawEvents().Where(e => e.StreamId == userId && e.EventTypesAre(PointsHistory.EventTypes));
        if (before is { } cursor) query = query.Where(e => e.Version < cursor);
        var events = await query.OrderByDescending(e => e.Version).Take(take + 1).ToListAsync(cancellation);
        var entries = events.Select(PointsHistory.From).OfType<PointsHistoryEntry>().ToList();
        return entries.Count > take
            ? new PointsHistoryPage(entries.Take(take).ToList(), entries[take - 1].Version)
            : new PointsHistoryPage(entries, null);
    }
}
