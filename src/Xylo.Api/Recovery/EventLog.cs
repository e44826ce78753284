using Npgsql;

namespace Xylo.Api.Recovery;

/// <summary>Reads the event log as stored (mt_events joined to its stream's type), in sequence order.</summary>
public static class EventLog
{
    public static async Task<List<ArchivedEvent>> ReadAsync(NpgsqlDataSource database, string schema, long after, long upTo, int limit,
        CancellationToken cancellation)
    {
        await using var command = database.CreateCommand($"""
            select e.seq_id, e.id, e.stream_id, s.type, e.version, e.type, e.mt_dotnet_type, e.data::text, e.timestamp,
                   e.tenant_id, e.correlation_id, e.causation_id, e.headers::text, e.user_name, e.is_archived
            from {schema}.mt_events e left join {schema}.mt_streams s on s.id = e.stream_id
            where e.seq_id > $1 and e.seq_id <= $2
            order by e.seq_id
            limit $3
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var events = new List<ArchivedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            events.Add(new ArchivedEvent(
                reader.GetInt64(0),
                reader.GetGuid(1),
                reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt64(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.IsDBNull(12) ? null : reader.GetString(12),
                reader.IsDBNull(13) ? null : reader.GetString(13),
                !reader.IsDBNull(14) && reader.GetBoolean(14)));
        }

        return events;
    }

    /// <summary>The highest sequence in the log, 0 when empty or not created yet.</summary>
    public static async Task<long> MaxSequenceAsync(NpgsqlDataSource database, string schema, CancellationToken cancellation)
    {
        await using var exists = database.CreateCommand($"select to_regclass('{schema}.mt_events') is not null");
        if (!(bool)(await exists.ExecuteScalarAsync(cancellation))!) return 0;
        await using var command = database.CreateCommand($"select coalesce(max(seq_id), 0) from {schema}.mt_events");
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }
}
