using System.Runtime.CompilerServices;
using Npgsql;

namespace Xylo.Api.EventLog;

/// <summary>
/// Reads Marten's event tables as stored (the jsonb text, every metadata column, the stream's type), which Marten's
/// typed event API deliberately hides: for the archive, recovery, the audit and the admin's projection lag.
/// </summary>
public sealed class EventLogDatabase(NpgsqlDataSource source, string schema)
{
    /// <summary>The columns <see cref="Read"/> takes, in its order: the event as <c>e</c>, its stream as <c>s</c>.</summary>
    internal const string Columns =
        "e.seq_id, e.id, e.stream_id, s.type, e.version, e.type, e.mt_dotnet_type, e.data::text, e.timestamp, " +
        "e.tenant_id, e.correlation_id, e.causation_id, e.headers::text, e.user_name, e.is_archived";

    internal string Schema { get; } = schema;

    internal string Events { get; } = $"{schema}.mt_events";

    internal string Streams { get; } = $"{schema}.mt_streams";

    /// <summary>The same reads on another server of the same database (the read replica).</summary>
    public EventLogDatabase On(NpgsqlDataSource other) => ReferenceEquals(other, source) ? this : new EventLogDatabase(other, Schema);

    /// <summary>Events with <c>after &lt; seq_id &lt;= upTo</c>, in sequence order, at most <paramref name="limit"/>.</summary>
    public async Task<List<StoredEvent>> ReadAsync(long after, long upTo, int limit, CancellationToken cancellation)
    {
        await using var command = source.CreateCommand($"""
            select {Columns}
            from {Events} e left join {Streams} s on s.id = e.stream_id
            where e.seq_id > $1 and e.seq_id <= $2
            order by e.seq_id
            limit $3
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) events.Add(Read(reader, 0));
        return events;
    }

    /// <summary>
    /// The events of <paramref name="types"/> with <c>after &lt; seq_id &lt;= upTo</c>, in sequence order, archived ones left
    /// out as Marten's daemon leaves them out of a rebuild, without their stream's type: a replay's read
    /// (<c>Recovery.LogReplay</c>), one range at a time.
    /// </summary>
    public async Task<List<StoredEvent>> ReadForReplayAsync(long after, long upTo, IReadOnlyCollection<string> types, CancellationToken cancellation)
    {
        await using var command = source.CreateCommand($"""
            select {Columns.Replace("s.type", "null::varchar", StringComparison.Ordinal)}
            from {Events} e
            where e.seq_id > $1 and e.seq_id <= $2 and e.type = any($3) and not e.is_archived
            order by e.seq_id
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types.ToArray() });
        command.CommandTimeout = UnboundedReadTimeoutSeconds;
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) events.Add(Read(reader, 0, dataAsUtf8: true));
        return events;
    }

    /// <summary>
    /// Marten's progress rows (<c>mt_event_progression</c>) of <paramref name="shards"/> set to <paramref name="sequence"/>,
    /// as the daemon records a finished rebuild: what a replay that wrote those views leaves behind.
    /// </summary>
    public async Task MarkProgressAsync(IReadOnlyCollection<string> shards, long sequence, CancellationToken cancellation)
    {
        await using var mark = source.CreateCommand($"""
            insert into {Schema}.mt_event_progression as p (name, last_seq_id, last_updated)
            select unnest($1::varchar[]), $2, transaction_timestamp()
            on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = excluded.last_updated
            """);
        mark.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = shards.ToArray() });
        mark.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        await mark.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>
    /// How far an event's timestamp can run behind a later event's: Marten stamps an event with its append transaction's
    /// start (<c>now()</c>), so time order and sequence order differ by at most the longest append transaction.
    /// </summary>
    internal static readonly TimeSpan TimestampSkew = TimeSpan.FromMinutes(5);

    /// <summary>A page answers in seconds or not at all; a stream's history or an export waits longer for each batch of rows.</summary>
    public const int PageTimeoutSeconds = 15;

    /// <inheritdoc cref="PageTimeoutSeconds"/>
    public const int UnboundedReadTimeoutSeconds = 60;

    /// <summary>
    /// The events <paramref name="filter"/> selects, in sequence order, streamed from one database cursor: memory stays
    /// flat however long the range.
    /// </summary>
    public async IAsyncEnumerable<StoredEvent> QueryAsync(EventLogFilter filter, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var command = Query(filter, explain: false);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) yield return Read(reader, 0);
    }

    /// <summary>The plan PostgreSQL runs for <see cref="QueryAsync"/> with this filter (<c>explain analyze</c>), one line per node.</summary>
    public async Task<string> ExplainAsync(EventLogFilter filter, CancellationToken cancellation)
    {
        await using var command = Query(filter, explain: true);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) lines.Add(reader.GetString(0));
        return string.Join('\n', lines);
    }

    /// <summary>
    /// A keyset in sequence order. A time window also bounds the sequence range (by an event stamped more than
    /// <see cref="TimestampSkew"/> outside it, found on the timestamp index), so a page never scans the log beyond its
    /// window; the stream's type is looked up per event (a lateral lookup by primary key), so a page reads about as many
    /// rows as it returns instead of hashing every stream of the type.
    /// </summary>
    private NpgsqlCommand Query(EventLogFilter filter, bool explain)
    {
        var command = source.CreateCommand();
        var where = new List<string> { $"e.seq_id > {Parameter(command, filter.After)}" };
        var skew = $"interval '{(int)TimestampSkew.TotalSeconds} seconds'";
        if (filter.StreamId is { } stream) where.Add($"e.stream_id = {Parameter(command, stream)}");
        if (filter.EventType is { } eventType) where.Add($"e.type = {Parameter(command, eventType)}");
        if (filter.From is { } from)
        {
            var at = Parameter(command, from);
            where.Add($"e.timestamp >= {at}");
            where.Add($"e.seq_id > coalesce((select b.seq_id from {Events} b where b.timestamp < {at} - {skew} order by b.timestamp desc limit 1), 0)");
        }

        if (filter.To is { } to)
        {
            var at = Parameter(command, to);
            where.Add($"e.timestamp < {at}");
            where.Add($"e.seq_id < coalesce((select b.seq_id from {Events} b where b.timestamp >= {at} + {skew} order by b.timestamp limit 1), {long.MaxValue})");
        }

        var streamType = filter.StreamType is { } type ? $" and s.type = {Parameter(command, type)}" : "";
        command.CommandText =
            (explain ? "explain (analyze, buffers, costs off) " : "") +
            $"select {Columns} from {Events} e {(filter.StreamType is null ? "left " : "")}join lateral " +
            $"(select s.type from {Streams} s where s.id = e.stream_id{streamType} limit 1) s on true " +
            $"where {string.Join(" and ", where)} order by e.seq_id" +
            (filter.Limit is { } limit ? $" limit {Parameter(command, limit)}" : "");
        command.CommandTimeout = filter.Limit is null ? UnboundedReadTimeoutSeconds : PageTimeoutSeconds;
        return command;
    }

    /// <summary>The highest sequence in the log, 0 when empty or not created yet.</summary>
    public async Task<long> MaxSequenceAsync(CancellationToken cancellation)
    {
        await using var exists = source.CreateCommand($"select to_regclass('{Events}') is not null");
        if (!(bool)(await exists.ExecuteScalarAsync(cancellation))!) return 0;
        await using var command = source.CreateCommand($"select coalesce(max(seq_id), 0) from {Events}");
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }

    /// <summary>
    /// For each position, the timestamp of the last event at or before it (sequences have gaps where appends rolled
    /// back), in one statement; a position before the first event has none.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, DateTimeOffset>> TimestampsAtAsync(IEnumerable<long> sequences, CancellationToken cancellation)
    {
        await using var command = source.CreateCommand(
            $"select p, (select e.timestamp from {Events} e where e.seq_id <= p order by e.seq_id desc limit 1) from unnest($1::bigint[]) p");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sequences.Distinct().ToArray() });
        var timestamps = new Dictionary<long, DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            if (!reader.IsDBNull(1)) timestamps[reader.GetInt64(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }

        return timestamps;
    }

    /// <summary>Reads <see cref="Columns"/> starting at column <paramref name="first"/>.</summary>
    /// <param name="dataAsUtf8">the data as the UTF-8 text it is sent as (for a deserializer), not as a string</param>
    internal static StoredEvent Read(NpgsqlDataReader reader, int first, bool dataAsUtf8 = false) => new(
        reader.GetInt64(first),
        reader.GetGuid(first + 1),
        reader.GetGuid(first + 2),
        reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
        reader.GetInt64(first + 4),
        reader.GetString(first + 5),
        reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6),
        dataAsUtf8 ? null! : reader.GetString(first + 7),
        reader.GetFieldValue<DateTimeOffset>(first + 8),
        reader.GetString(first + 9),
        reader.IsDBNull(first + 10) ? null : reader.GetString(first + 10),
        reader.IsDBNull(first + 11) ? null : reader.GetString(first + 11),
        reader.IsDBNull(first + 12) ? null : reader.GetString(first + 12),
        reader.IsDBNull(first + 13) ? null : reader.GetString(first + 13),
        !reader.IsDBNull(first + 14) && reader.GetBoolean(first + 14))
    {
        DataUtf8 = dataAsUtf8 ? reader.GetFieldValue<byte[]>(first + 7) : default,
    };

    private static string Parameter(NpgsqlCommand command, object value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return $"${command.Parameters.Count}";
    }
}
