namespace Xylo.Api.EventLog;

/// <summary>
/// Which events <see cref="EventLogDatabase.QueryAsync"/> returns: those after <see cref="After"/> matching every
/// condition given (<see cref="From"/> inclusive, <see cref="To"/> exclusive), in sequence order, at most <see cref="Limit"/>.
/// </summary>
public sealed record EventLogFilter(Guid? StreamId, string? StreamType, string? EventType, DateTimeOffset? From,
    DateTimeOffset? To, long After, int? Limit);
