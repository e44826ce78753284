using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Projections.Audit;

namespace Xylo.Api.Features.Audit;

public sealed record AuditStream(Guid Id, string? StreamType, long Version, IReadOnlyList<AuditEvent> Events);

public static class AuditStreamEndpoint
{
    /// <summary>A stream's whole history, oldest first, with every event's metadata.</summary>
    [WolverineGet("/audit/streams/{id}"), Authorize(Policy = Policies.Auditor)]
    public static async Task<IResult> Get(Guid id, AuditedAggregates aggregates, EventLogDatabase log, CancellationToken cancellation)
    {
        var filter = new AuditEventFilter(id, null, null, null, null, 0, null);
        await using var connection = await log.OpenAsync(cancellation);
        await using var command = filter.ToCommand(log, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var events = new List<AuditEvent>();
        while (await reader.ReadAsync(cancellation)) events.Add(AuditEvent.Read(reader));
        return events.Count == 0
            ? Problems.NotFound($"no stream {id} in the event log")
            : Results.Ok(new AuditStream(id, events[0].StreamType, events.Max(e => e.Version), events));
    }
}
