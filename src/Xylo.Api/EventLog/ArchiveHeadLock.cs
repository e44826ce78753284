using Npgsql;

namespace Xylo.Api.EventLog;

/// <summary>An archive's head row read and moved under the archive's lock; disposing without committing moves nothing.</summary>
public sealed class ArchiveHeadLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly string _head;
    private readonly string _location;

    internal ArchiveHeadLock(NpgsqlConnection connection, NpgsqlTransaction transaction, string head, string location)
    {
        _connection = connection;
        _transaction = transaction;
        _head = head;
        _location = location;
    }

    public async Task<bool> ExistsAsync(CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"select exists (select 1 from {_head} where location = $1)", _connection, _transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _location });
        return (bool)(await command.ExecuteScalarAsync(cancellation))!;
    }

    public async Task MoveAsync(long closedTo, string sha256, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"""
            insert into {_head} (location, closed_to, sha256, updated_at)
            values ($1, $2, $3, now())
            on conflict (location) do update set closed_to = excluded.closed_to, sha256 = excluded.sha256, updated_at = excluded.updated_at
            """, _connection, _transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _location });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = closedTo });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sha256 });
        await command.ExecuteNonQueryAsync(cancellation);
    }

    public Task CommitAsync(CancellationToken cancellation) => _transaction.CommitAsync(cancellation);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
