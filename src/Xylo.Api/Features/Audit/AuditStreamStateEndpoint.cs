using Microsoft.AspNetCore.RateLimiting;
using System.Globalization;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Hosting;
using Xylo.Api.Operations.RateLimiting;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Audit;

public sealed record AuditStreamState(Guid Id, string StreamType, long? Version, DateTimeOffset? At, object State);

public static class AuditStreamStateEndpoint
{
    /// <summary>
    /// The aggregate replayed from its events up to a version or a moment (inclusive), as the write side saw it
    /// then. A stream shared by several aggregates (a user's stream also holds their points account) is read
    /// as the aggregate its stream type names, or as the one <c>aggregate</c> names.
    /// </summary>
    [WolverineGet("/audit/streams/{id}/state"), Authorize(Policy = Policies.Auditor), EnableRateLimiting(RateLimitingSetup.AuditReads)]
    public static async Task<IResult> Get(Guid id, string? at, string? version, string? aggregate, AuditedAggregates aggregates,
        ReadReplica replica, CancellationToken cancellation)
    {
        if (aggregate is not null && !aggregates.Knows(aggregate))
            return Problems.Invalid("aggregate", $"must be one of: {string.Join(", ", aggregates.StreamTypes.Order())}");
        if ((at is null) == (version is null)) return Problems.Invalid("at", "give exactly one of at (an ISO 8601 timestamp) or version");
        DateTimeOffset? moment = null;
        long? upTo = null;
        if (at is not null)
        {
            if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return Problems.Invalid("at", "must be an ISO 8601 timestamp, e.g. 2026-11-01T00:00:00Z");
            moment = parsed.ToUniversalTime();
        }
        else
        {
            if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
                return Problems.Invalid("version", "must be a positive stream version");
            upTo = v;
        }

        return await replica.QueryAsync(AuditEventsEndpoint.Read, session => StateAsync(session, id, at, version, aggregate, upTo, moment, aggregates, cancellation),
            cancellation);
    }

    private static async Task<IResult> StateAsync(IQuerySession session, Guid id, string? at, string? version, string? aggregate, long? upTo,
        DateTimeOffset? moment, AuditedAggregates aggregates, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchStreamStateAsync(id, cancellation);
        if (stream is null) return Problems.NotFound($"no stream {id} in the event log");
        if (upTo > stream.Version) return Problems.NotFound($"stream {id} has no version {version} (it is at {stream.Version})");
        var streamType = aggregate ?? aggregates.StreamTypeOf(stream.AggregateType);
        if (!aggregates.Knows(streamType)) return Problems.NotFound($"stream {id} is a '{streamType}', which has no audited aggregate");

        var state = await aggregates.StateAsync(session, streamType, id, upTo, moment, cancellation);
        return state is null
            ? Problems.NotFound(moment is not null ? $"stream {id} had no events at {at}" : $"stream {id} has no version {version}")
            : Results.Ok(new AuditStreamState(id, streamType, upTo, moment, state));
    }
}
