using Npgsql;

namespace Xylo.Api.EventLog;

/// <summary>Where each archive ends (<see cref="ArchiveSchema"/>), and how far the log has run past it.</summary>
public sealed class ArchiveHeadTable(NpgsqlDataSource source, string schema)
{
    private readonly EventLogDatabase _log = new(source, schema);

    private string Head { get; } = $"{schema}.{ArchiveSchema.HeadTable}";

    /// <summary>
    /// A transaction holding the archive's database lock: no other node closes a segment of the archive at
    /// <paramref name="location"/> until it ends.
    /// </summary>
    public async Task<ArchiveHeadLock> LockAsync(string location, CancellationToken cancellation)
    {
        var connection = await source.OpenConnectionAsync(cancellation);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellation);
            await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"xylo archive {location}" });
            await command.ExecuteNonQueryAsync(cancellation);
            return new ArchiveHeadLock(connection, transaction, Head, location);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Age of the oldest event after the archive's head (0 when none), by the database's clock, the one that stamped
    /// the events; with no head row, counted from the first event.
    /// </summary>
    public async Task<double> LagSecondsAsync(string location, CancellationToken cancellation)
    {
        await using var command = source.CreateCommand($"""
            select coalesce((select extract(epoch from clock_timestamp() - e.timestamp)::float8
                             from {_log.Events} e
                             where e.seq_id > coalesce((select closed_to from {Head} where location = $1), 0)
                             order by e.seq_id limit 1), 0)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = location });
        return Math.Max(0, (double)(await command.ExecuteScalarAsync(cancellation))!);
    }
}
