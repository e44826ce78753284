using System.Globalization;
using System.Text.RegularExpressions;
using Xylo.Api.EventLog;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Audit;

/// <summary>
/// The filters shared by <c>/audit/events</c> and <c>/audit/export</c>, validated into the keyset query over the log
/// they make (always in sequence order, from just after <c>after</c>).
/// </summary>
public static partial class AuditEventFilter
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static (EventLogFilter? Filter, IResult? Problem) Parse(AuditedAggregates aggregates, string? streamId, string? streamType,
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

        return (new EventLogFilter(stream, streamType, eventType, fromAt, toAt, cursor, take), null);
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
