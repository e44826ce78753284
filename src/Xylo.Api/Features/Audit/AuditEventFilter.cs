using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Xylo.Api.Operations.Errors;
using Xylo.Projections.Audit;

namespace Xylo.Api.Features.Audit;

/// <summary>
/// The filters shared by <c>/audit/events</c> and <c>/audit/export</c>, validated, and the keyset query over
/// the log they make (always in sequence order, from just after <see cref="After"/>).
/// </summary>
public sealed partial record AuditEventFilter(Guid? StreamId, string? StreamType, string? EventType, DateTimeOffset? From,
    DateTimeOffset? To, long After, int? Limit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static (AuditEventFilter? Filter, IResult? Problem) Parse(AuditedAggregates aggregates, string? streamId, string? streamType,
        string? eventType, string? from, string? to, string? after, string? limit, bool paged)
    {
        Guid? stream = null;
        if (streamId is not null)
        {
            if (!Guid.TryParse(streamId, out var id)) return (null, Problems.Invalid("streamId", "must be a GUID"));
            stream = id;
        }

        if (streamType is not null && !aggregates.Knows(streamType))
            return (null, Problems.Invalid("streamType", $"must be one of: {string.Join(", ", aggregates.StreamTypes.Order())}"));
        if (eventType is not null && !EventTypeName().IsMatch(eventType))
            return (null, Problems.Invalid("eventType", "must be an event type name as stored, e.g. points_earned"));
        if (!TryTimestamp(from, out var fromAt)) return (null, Problems.Invalid("from", "must be an ISO 8601 timestamp with an offset, e.g. 2026-11-01T00:00:00Z"));
        if (!TryTimestamp(to, out var toAt)) return (null, Problems.Invalid("to", "must be an ISO 8601 timestamp with an offset, e.g. 2026-12-01T00:00:00Z"));
        if (fromAt > toAt) return (null, Problems.Invalid("to", "must not be before from"));

        long cursor = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor)))
            return (null, Problems.Invalid("after", "must be a sequence number (the previous page's next)"));

        int? take = paged ? DefaultLimit : null;
        if (limit is not null)
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > MaxLimit)
                return (null, Problems.Invalid("limit", $"must be between 1 and {MaxLimit}"));
            take = n;
        }

        return (new AuditEventFilter(stream, streamType, eventType, fromAt, toAt, cursor, take), null);
    }

    /// <summary>Seq, id, stream, stream type, version, type, timestamp, data, correlation, causation, user, headers.</summary>
    public NpgsqlCommand ToCommand(EventLogDatabase log, NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var where = new List<string> { $"e.seq_id > {Parameter(command, After)}" };
        if (StreamId is { } stream) where.Add($"e.stream_id = {Parameter(command, stream)}");
        if (StreamType is { } streamType) where.Add($"s.type = {Parameter(command, streamType)}");
        if (EventType is { } eventType) where.Add($"e.type = {Parameter(command, eventType)}");
        if (From is { } from) where.Add($"e.timestamp >= {Parameter(command, from)}");
        if (To is { } to) where.Add($"e.timestamp < {Parameter(command, to)}");
        command.CommandText =
            "select e.seq_id, e.id, e.stream_id, s.type, e.version, e.type, e.timestamp, e.data::text, " +
            "e.correlation_id, e.causation_id, e.user_name, e.headers::text " +
            $"from {log.Events} e {(StreamType is null ? "left " : "")}join {log.Streams} s on s.id = e.stream_id " +
            $"where {string.Join(" and ", where)} order by e.seq_id" +
            (Limit is { } limit ? $" limit {Parameter(command, limit)}" : "");
        return command;
    }

    private static string Parameter(NpgsqlCommand command, object value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return $"${command.Parameters.Count}";
    }

    private static bool TryTimestamp(string? text, out DateTimeOffset? at)
    {
        at = null;
        if (text is null) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            || !HasOffset().IsMatch(text)) return false;
        at = parsed.ToUniversalTime();
        return true;
    }

    [GeneratedRegex("^[a-z][a-z0-9_.]{0,199}$")]
    private static partial Regex EventTypeName();

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex HasOffset();
}
