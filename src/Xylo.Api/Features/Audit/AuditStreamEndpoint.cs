using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.EventLog;
using Xylo.Api.Features.Auth;
using Xylo.Api.Hosting;
using Xylo.Api.Operations.RateLimiting;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Audit;

public sealed record AuditStream(Guid Id, string? StreamType, long Version, IReadOnlyList<AuditEvent> Events);

public static class AuditStreamEndpoint
{
    /// <summary>A stream's whole history, oldest first, with every event's metadata.</summary>
    [WolverineGet("/audit/streams/{id}"), Authorize(Policy = Policies.Auditor), EnableRateLimiting(RateLimitingSetup.AuditReads)]
    public static async Task<IResult> Get(Guid id, AuditedAggregates aggregates, EventLogDatabase log, ReadReplica replica, CancellationToken cancellation)
    {
        var events = await AuditEventsEndpoint.ReadAsync(replica, log, new EventLogFilter(id, null, null, null, null, 0, null), cancellation);
        return events.Count == 0
            ? Problems.NotFound($"no stream {id} in the event log")
            : Results.Ok(new AuditStream(id, events[0].StreamType, events.Max(e => e.Version), events));
    }
}
