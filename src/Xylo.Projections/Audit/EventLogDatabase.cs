using System.Runtime.CompilerServices;
using Npgsql;

namespace Xylo.Projections.Audit;

/// <summary>
/// Raw access to the event log and the hash chain beside it: the audit reads the rows as stored (the jsonb
/// text, the metadata columns), which Marten's typed event API deliberately hides.
/// </summary>
public sealed class EventLogDatabase(NpgsqlDataSource source, string schema)
{
    private readonly NpgsqlDataSource _source = source;

    public string Schema { get; } = schema;

    public string Events => $"{Schema}.mt_events";

    public string Streams => $"{Schema}.mt_streams";

    public string Chain => $"{Schema}.{AuditSchema.ChainTable}";

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellation) => _source.OpenConnectionAsync(cancellation);

    /// <summary>The stored hash of the last event before <paramref name="sequence"/>, or the genesis value.</summary>
    public async Task<byte[]> HashBeforeAsync(NpgsqlConnection connection, long sequence, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"select hash from {Chain} where seq_id < $1 order by seq_id desc limit 1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        return await command.ExecuteScalarAsync(cancellation) as byte[] ?? AuditChainHash.Genesis.ToArray();
    }

    /// <summary>Events with <c>after &lt; seq_id &lt;= upTo</c>, in sequence order, as stored.</summary>
    public async IAsyncEnumerable<ChainedEvent> ReadAsync(NpgsqlConnection connection, long after, long upTo,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"select {ChainedColumns} from {Events} where seq_id > $1 and seq_id <= $2 order by seq_id",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = upTo });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) yield return ReadChained(reader, 0);
    }

    /// <summary>The columns <see cref="ReadChained"/> reads, in its order (qualify with <paramref name="alias"/>).</summary>
    public static string ChainedColumnsOf(string alias) =>
        $"{alias}seq_id, {alias}stream_id, {alias}version, {alias}type, {alias}data::text, {alias}timestamp, " +
        $"{alias}id, {alias}correlation_id, {alias}causation_id, {alias}user_name, {alias}headers::text";

    public static string ChainedColumns { get; } = ChainedColumnsOf("");

    public static ChainedEvent ReadChained(NpgsqlDataReader reader, int first) => new(
        reader.GetInt64(first),
        reader.GetGuid(first + 1),
        reader.GetInt64(first + 2),
        reader.GetString(first + 3),
        reader.GetString(first + 4),
        reader.GetFieldValue<DateTimeOffset>(first + 5),
        reader.GetGuid(first + 6),
        reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7),
        reader.IsDBNull(first + 8) ? null : reader.GetString(first + 8),
        reader.IsDBNull(first + 9) ? null : reader.GetString(first + 9),
        reader.IsDBNull(first + 10) ? null : reader.GetString(first + 10));
}
