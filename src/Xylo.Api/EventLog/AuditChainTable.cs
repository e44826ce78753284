using System.Runtime.CompilerServices;
using Marten;
using Npgsql;

namespace Xylo.Api.EventLog;

/// <summary>The audit hash chain beside the log: one stored hash per sequence number, read against the events it covers.</summary>
public sealed class AuditChainTable(NpgsqlDataSource source, string schema)
{
    /// <summary>One sequence in a verified range: the event as stored and its stored hash, either missing.</summary>
    public sealed record Link(long Sequence, StoredEvent? Event, byte[]? Hash);

    private readonly EventLogDatabase _log = new(source, schema);

    private string Chain { get; } = $"{schema}.{AuditSchema.ChainTable}";

    /// <summary>The stored hash of the last event before <paramref name="sequence"/>; null when the chain starts after it.</summary>
    public async Task<byte[]?> HashBeforeAsync(long sequence, CancellationToken cancellation)
    {
        await using var command = source.CreateCommand($"select hash from {Chain} where seq_id < $1 order by seq_id desc limit 1");
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        return await command.ExecuteScalarAsync(cancellation) as byte[];
    }

    /// <summary>Writes the hashes in the session's own transaction (a hash computed again replaces the stored one).</summary>
    public void QueueHashes(IDocumentOperations operations, long[] sequences, byte[][] hashes) =>
        operations.QueueSqlCommand(
            $"insert into {Chain} (seq_id, hash) select * from unnest(?::bigint[], ?::bytea[]) " +
            "on conflict (seq_id) do update set hash = excluded.hash",
            sequences, hashes);

    /// <summary>The last hashed sequence and its hash; null when nothing is hashed yet.</summary>
    public async Task<(long Sequence, byte[] Hash)?> HeadAsync(CancellationToken cancellation)
    {
        await using var command = source.CreateCommand($"select seq_id, hash from {Chain} order by seq_id desc limit 1");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) : null;
    }

    /// <summary>Events committed after <paramref name="head"/>: not hashed yet.</summary>
    public async Task<long> UnhashedAfterAsync(long head, CancellationToken cancellation)
    {
        await using var command = source.CreateCommand($"select count(*) from {_log.Events} where seq_id > $1");
        command.Parameters.Add(new NpgsqlParameter { Value = head });
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }

    /// <summary>The chain's lag: events committed after its head, in one statement.</summary>
    public async Task<long> LagAsync(CancellationToken cancellation)
    {
        await using var command = source.CreateCommand(
            $"select count(*) from {_log.Events} where seq_id > (select coalesce(max(seq_id), 0) from {Chain})");
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }

    /// <summary>Every sequence in <c>[from, to]</c> that has an event or a hash, in order.</summary>
    public async IAsyncEnumerable<Link> LinksAsync(long from, long to, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var command = source.CreateCommand(
            $"select coalesce(e.seq_id, c.seq_id), e.seq_id is null, c.hash, {EventLogDatabase.Columns} " +
            // Both sides cut to the range before the join: PostgreSQL cannot push a range through a full join.
            $"from (select * from {_log.Events} where seq_id between $1 and $2) e left join {_log.Streams} s on s.id = e.stream_id " +
            $"full join (select seq_id, hash from {Chain} where seq_id between $1 and $2) c on c.seq_id = e.seq_id order by 1");
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            yield return new Link(
                reader.GetInt64(0),
                reader.GetBoolean(1) ? null : EventLogDatabase.Read(reader, 3),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2));
        }
    }
}
