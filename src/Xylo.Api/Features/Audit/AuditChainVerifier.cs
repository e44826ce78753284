using Npgsql;
using Xylo.Projections.Audit;

namespace Xylo.Api.Features.Audit;

public sealed record ChainHead(long Sequence, string Hash);

public sealed record IntegrityReport(long From, long To, long Verified, long? FirstBrokenSequence, string? Reason, ChainHead? Head, long Unhashed);

/// <summary>
/// Recomputes the chain over a range from the current event rows, starting from the stored hash just
/// before the range, and compares every link with the stored one. Events past the chain head are not
/// yet hashed, not broken.
/// </summary>
public sealed class AuditChainVerifier(EventLogDatabase log)
{
    public async Task<IntegrityReport> VerifyAsync(long? from, long? to, CancellationToken cancellation)
    {
        await using var connection = await log.OpenAsync(cancellation);
        var head = await HeadAsync(connection, cancellation);
        var unhashed = await UnhashedAsync(connection, head?.Sequence ?? 0, cancellation);
        var first = Math.Max(from ?? 1, 1);
        var last = Math.Min(to ?? long.MaxValue, head?.Sequence ?? 0);
        if (last < first) return new IntegrityReport(first, last, 0, null, null, head, unhashed);

        var previous = await log.HashBeforeAsync(connection, first, cancellation);
        await using var command = new NpgsqlCommand(
            $"select coalesce(e.seq_id, c.seq_id), e.seq_id is null, c.hash, {EventLogDatabase.ChainedColumnsOf("e.")} " +
            // Both sides cut to the range before the join: PostgreSQL cannot push a range through a full join.
            $"from (select * from {log.Events} where seq_id between $1 and $2) e " +
            $"full join (select seq_id, hash from {log.Chain} where seq_id between $1 and $2) c on c.seq_id = e.seq_id order by 1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = first });
        command.Parameters.Add(new NpgsqlParameter { Value = last });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        long verified = 0;
        while (await reader.ReadAsync(cancellation))
        {
            var sequence = reader.GetInt64(0);
            if (reader.GetBoolean(1)) return Broken(sequence, "the event is missing from the log (deleted after it was hashed)");
            if (reader.IsDBNull(2)) return Broken(sequence, "the event has no hash (inserted behind the chain head, or its hash was deleted)");
            var computed = AuditChainHash.Compute(previous, EventLogDatabase.ReadChained(reader, 3));
            if (!computed.AsSpan().SequenceEqual(reader.GetFieldValue<byte[]>(2)))
                return Broken(sequence, "the hash does not match: this event's sequence, stream, version, type, data, timestamp or metadata (id, correlation, causation, user, headers) changed, or the stored hash did");
            previous = computed;
            verified++;
        }

        return new IntegrityReport(first, last, verified, null, null, head, unhashed);

        IntegrityReport Broken(long sequence, string reason) => new(first, last, verified, sequence, reason, head, unhashed);
    }

    private async Task<ChainHead?> HeadAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"select seq_id, hash from {log.Chain} order by seq_id desc limit 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation)
            ? new ChainHead(reader.GetInt64(0), Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(1)))
            : null;
    }

    /// <summary>Events committed but not hashed yet: the chain's lag.</summary>
    public async Task<long> UnhashedAsync(NpgsqlConnection connection, long head, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"select count(*) from {log.Events} where seq_id > $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = head });
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }
}
