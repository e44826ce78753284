using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.EventLog;
using Xylo.Api.Features.Auth;
using Xylo.Api.Hosting;
using Xylo.Api.Operations.RateLimiting;

namespace Xylo.Api.Features.Audit;

/// <summary><c>next</c> is the last sequence of a full page: pass it back as <c>after</c>; null when the range is exhausted.</summary>
public sealed record AuditEventPage(IReadOnlyList<AuditEvent> Events, long? Next);

public static class AuditEventsEndpoint
{
    /// <summary>The audit reads' name in <c>xylo_db_replica_reads_total</c>.</summary>
    public const string Read = "audit";

    /// <summary>The event log, filtered, in sequence order, keyset-paged (stable while events keep arriving).</summary>
    /// <remarks>
    /// A page may come from the read replica: history does not change, the newest events show up within the staleness
    /// bound, and keyset paging by sequence loses nothing whichever server answers the next page.
    /// </remarks>
    [WolverineGet("/audit/events"), Authorize(Policy = Policies.Auditor), EnableRateLimiting(RateLimitingSetup.AuditReads)]
    public static async Task<IResult> Get(string? streamId, string? streamType, string? eventType, string? from, string? to,
        string? after, string? limit, AuditedAggregates aggregates, EventLogDatabase log, ReadReplica replica, CancellationToken cancellation)
    {
        var (filter, problem) = AuditEventFilter.Parse(aggregates, streamId, streamType, eventType, from, to, after, limit, paged: true);
        if (problem is not null) return problem;

        var events = await ReadAsync(replica, log, filter!, cancellation);
        return Results.Ok(new AuditEventPage(events, events.Count == filter!.Limit ? events[^1].Seq : null));
    }

    /// <summary>The events of a bounded read (a page, a stream), collected on the replica when it serves, else on the primary.</summary>
    public static Task<List<AuditEvent>> ReadAsync(ReadReplica replica, EventLogDatabase log, EventLogFilter filter, CancellationToken cancellation) =>
        replica.ReadAsync(Read, async (source, _) =>
        {
            var events = new List<AuditEvent>();
            await foreach (var e in log.On(source).QueryAsync(filter, cancellation)) events.Add(AuditEvent.From(e));
            return events;
        }, cancellation);
}
