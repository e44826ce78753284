using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.EventLog;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.RateLimiting;

namespace Xylo.Api.Features.Audit;

/// <summary><c>next</c> is the last sequence of a full page: pass it back as <c>after</c>; null when the range is exhausted.</summary>
public sealed record AuditEventPage(IReadOnlyList<AuditEvent> Events, long? Next);

public static class AuditEventsEndpoint
{
    /// <summary>The event log, filtered, in sequence order, keyset-paged (stable while events keep arriving).</summary>
    [WolverineGet("/audit/events"), Authorize(Policy = Policies.Auditor), EnableRateLimiting(RateLimitingSetup.AuditReads)]
    public static async Task<IResult> Get(string? streamId, string? streamType, string? eventType, string? from, string? to,
        string? after, string? limit, AuditedAggregates aggregates, EventLogDatabase log, CancellationToken cancellation)
    {
        var (filter, problem) = AuditEventFilter.Parse(aggregates, streamId, streamType, eventType, from, to, after, limit, paged: true);
        if (problem is not null) return problem;

        var events = new List<AuditEvent>();
        await foreach (var e in log.QueryAsync(filter!, cancellation)) events.Add(AuditEvent.From(e));
        return Results.Ok(new AuditEventPage(events, events.Count == filter!.Limit ? events[^1].Seq : null));
    }
}
