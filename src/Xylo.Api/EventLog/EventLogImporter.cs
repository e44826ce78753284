using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Xylo.Api.EventLog;

/// <summary>
/// Writes events as stored into the log with binary COPY, keeping sequence numbers, ids, versions, timestamps and
/// metadata, and each stream's row beside them: a restore into an empty event store, or a bulk load of new streams.
/// </summary>
public sealed class EventLogImporter(NpgsqlDataSource database, string schema)
{
    private readonly EventLogDatabase _log = new(database, schema);

    /// <summary>A stream's row, updated in place by each of its events (a new row per event was garbage that outlived a collection).</summary>
    internal sealed class StreamRow(string? type, long version, DateTimeOffset created, string tenantId)
    {
        public string? Type = type;
        public long Version = version;
        public DateTimeOffset Timestamp = created;
        public DateTimeOffset Created { get; } = created;
        public string TenantId { get; } = tenantId;
    }

    public sealed record Result(long Events, int Streams, long LastSequence, DateTimeOffset? LastTimestamp, string LogDigest);

    /// <summary>Refuses a target that already holds events: a restore never merges two histories.</summary>
    public async Task EnsureEmptyAsync(CancellationToken cancellation)
    {
        var events = await _log.MaxSequenceAsync(cancellation);
        if (events > 0)
            throw new InvalidOperationException($"the target already has events in {_log.Events} (up to sequence {events}); restore needs an empty database");
    }

    /// <summary>
    /// Restores events in sequence order into an empty event store, in two steps: this one copies the events into the log
    /// (its secondary indexes and the foreign key to the streams dropped first) in a transaction left open;
    /// <see cref="PendingImport.CompleteAsync"/> adds the streams, builds the indexes and keys and moves the sequence past
    /// the last event. The caller may do other work between them (a restore writes its views while the log is indexed).
    /// </summary>
    internal async Task<PendingImport> CopyAsync(IAsyncEnumerable<StoredEvent> events, Action<long, double> progress, CancellationToken cancellation)
    {
        var streams = new Dictionary<Guid, StreamRow>();
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[4096];
        long count = 0, last = 0;
        DateTimeOffset? lastTimestamp = null;
        var clock = Stopwatch.StartNew();
        var reported = TimeSpan.Zero;

        var connection = await database.OpenConnectionAsync(cancellation);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellation);
            var foreignKeys = await DropStreamForeignKeysAsync(connection, cancellation);
            var indexes = await DropSecondaryIndexesAsync(connection, cancellation);

            var writer = await EventCopyWriter.BeginAsync(connection, _log.Events, cancellation);
            try
            {
                await foreach (var e in events.WithCancellation(cancellation))
                {
                    writer.Write(e);
                    Track(streams, e);
                    AppendToDigest(digest, ref buffer, e);
                    count++;
                    last = e.Seq;
                    lastTimestamp = e.Timestamp;
                    if (clock.Elapsed - reported >= TimeSpan.FromSeconds(1))
                    {
                        reported = clock.Elapsed;
                        progress(count, count / clock.Elapsed.TotalSeconds);
                    }
                }

                await writer.CompleteAsync(cancellation);
            }
            catch
            {
                await writer.AbandonAsync();
                throw;
            }

            progress(count, count / Math.Max(clock.Elapsed.TotalSeconds, 1e-6));
            var result = new Result(count, streams.Count, last, lastTimestamp, Convert.ToHexStringLower(digest.GetHashAndReset()));
            return new PendingImport(this, connection, transaction, streams, indexes, foreignKeys, result);
        }
        catch
        {
            if (transaction is not null) await transaction.DisposeAsync();
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>An import whose events are copied, in its open transaction; disposed without <see cref="CompleteAsync"/>, it is rolled back.</summary>
    internal sealed class PendingImport(EventLogImporter importer, NpgsqlConnection connection, NpgsqlTransaction transaction,
        Dictionary<Guid, StreamRow> streams, List<string> indexes, List<(string Name, string Definition)> foreignKeys, Result result) : IAsyncDisposable
    {
        public Result Result { get; } = result;

        /// <summary>The streams' rows, the indexes and keys built again, the sequence moved past the last event; committed.</summary>
        public async Task CompleteAsync(CancellationToken cancellation)
        {
            var events = importer._log.Events;
            await importer.CopyStreamsAsync(connection, streams, cancellation);
            // One sorted build per index instead of one insertion per row and index during the COPY.
            await ExecuteAsync(connection, "set local maintenance_work_mem = '256MB'", cancellation);
            foreach (var definition in indexes) await ExecuteAsync(connection, definition, cancellation);
            foreach (var (name, definition) in foreignKeys)
            {
                await ExecuteAsync(connection, $"alter table {events} add constraint {name} {definition}", cancellation);
            }

            if (Result.LastSequence > 0) await ExecuteAsync(connection, $"select setval('{events}_sequence', {Result.LastSequence})", cancellation);
            await transaction.CommitAsync(cancellation);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>The log digest of events read back (<see cref="Result.LogDigest"/> of the import that wrote them): what a restore is compared by.</summary>
    public static async Task<(string Digest, long Events)> LogDigestAsync(IAsyncEnumerable<StoredEvent> events, CancellationToken cancellation)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[4096];
        long count = 0;
        await foreach (var e in events.WithCancellation(cancellation))
        {
            AppendToDigest(digest, ref buffer, e);
            count++;
        }

        return (Convert.ToHexStringLower(digest.GetHashAndReset()), count);
    }

    /// <summary>
    /// The log digest's line for an event, <c>seq, id, stream, version, type, data</c> tab-separated, encoded into a
    /// buffer kept across events (a formatted string and its bytes per event were a gigabyte of garbage a million events).
    /// </summary>
    private static void AppendToDigest(IncrementalHash digest, ref byte[] buffer, StoredEvent e)
    {
        var data = e.DataUtf8.Span;
        var needed = 130 + Encoding.UTF8.GetMaxByteCount(e.Type.Length) + data.Length;
        if (buffer.Length < needed) buffer = new byte[Math.Max(needed, buffer.Length * 2)];
        if (!System.Text.Unicode.Utf8.TryWrite(buffer, $"{e.Seq}\t{e.Id}\t{e.StreamId}\t{e.Version}\t{e.Type}\t", out var written))
            throw new InvalidOperationException("the digest buffer is too small");
        data.CopyTo(buffer.AsSpan(written));
        written += data.Length;
        buffer[written++] = (byte)'\n';
        digest.AppendData(buffer, 0, written);
    }

    /// <summary>
    /// <paramref name="count"/> events of streams that are not in the log yet, built by <paramref name="build"/> from sequence
    /// numbers taken from Marten's own sequence, in sequence order, in one transaction: the streams' rows, then the events.
    /// A bulk load beside the API, without Marten's append path. The sequences are taken inside the transaction, so a
    /// running daemon sees a live transaction behind the gap and waits for it instead of skipping the range as lost.
    /// </summary>
    public async Task AppendAsync(int count, Func<IReadOnlyList<long>, IReadOnlyCollection<StoredEvent>> build, CancellationToken cancellation)
    {
        await using var connection = await database.OpenConnectionAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        var sequences = new List<long>(count);
        await using (var reserve = new NpgsqlCommand($"select nextval('{_log.Events}_sequence') from generate_series(1, $1)", connection, transaction))
        {
            reserve.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
            await using var reader = await reserve.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) sequences.Add(reader.GetInt64(0));
        }

        var events = build(sequences);
        var streams = new Dictionary<Guid, StreamRow>();
        foreach (var e in events) Track(streams, e);
        await CopyStreamsAsync(connection, streams, cancellation);
        var writer = await EventCopyWriter.BeginAsync(connection, _log.Events, cancellation);
        try
        {
            foreach (var e in events) writer.Write(e);
            await writer.CompleteAsync(cancellation);
        }
        catch
        {
            await writer.AbandonAsync();
            throw;
        }

        await transaction.CommitAsync(cancellation);
    }

    /// <summary>Fresh planner statistics after a bulk load, so queries get the plans they would on a log grown by appends.</summary>
    public async Task AnalyzeAsync(CancellationToken cancellation)
    {
        await using var command = database.CreateCommand($"analyze {_log.Events}; analyze {_log.Streams}");
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>The stream's row as its events leave it: created by the first, at the last one's version and time.</summary>
    private static void Track(Dictionary<Guid, StreamRow> streams, StoredEvent e)
    {
        ref var stream = ref CollectionsMarshal.GetValueRefOrAddDefault(streams, e.StreamId, out var exists);
        if (!exists)
        {
            stream = new StreamRow(e.StreamType, e.Version, e.Timestamp, e.TenantId);
            return;
        }

        stream!.Version = e.Version;
        stream.Timestamp = e.Timestamp;
        stream.Type = e.StreamType ?? stream.Type;
    }

    private async Task CopyStreamsAsync(NpgsqlConnection connection, Dictionary<Guid, StreamRow> streams, CancellationToken cancellation)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            $"copy {_log.Streams} (id, type, version, timestamp, created, tenant_id, is_archived) from stdin (format binary)", cancellation);
        foreach (var (id, stream) in streams)
        {
            await writer.StartRowAsync(cancellation);
            await writer.WriteAsync(id, NpgsqlDbType.Uuid, cancellation);
            await WriteNullableAsync(writer, stream.Type, NpgsqlDbType.Varchar, cancellation);
            await writer.WriteAsync(stream.Version, NpgsqlDbType.Bigint, cancellation);
            await writer.WriteAsync(stream.Timestamp, NpgsqlDbType.TimestampTz, cancellation);
            await writer.WriteAsync(stream.Created, NpgsqlDbType.TimestampTz, cancellation);
            await writer.WriteAsync(stream.TenantId, NpgsqlDbType.Varchar, cancellation);
            await writer.WriteAsync(false, NpgsqlDbType.Boolean, cancellation);
        }

        await writer.CompleteAsync(cancellation);
    }

    /// <summary>Stream rows are known only after the events, so the events' foreign key waits until both are in.</summary>
    private async Task<List<(string Name, string Definition)>> DropStreamForeignKeysAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        var keys = new List<(string, string)>();
        await using (var command = new NpgsqlCommand(
            "select conname, pg_get_constraintdef(oid) from pg_constraint where conrelid = $1::regclass and contype = 'f'", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _log.Events });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) keys.Add((reader.GetString(0), reader.GetString(1)));
        }

        foreach (var (name, _) in keys) await ExecuteAsync(connection, $"alter table {_log.Events} drop constraint {name}", cancellation);
        return keys;
    }

    /// <summary>
    /// The event table's indexes that back no constraint (Marten's stream-and-version and event-type indexes, the audit's
    /// timestamp index), dropped inside the import's transaction; their definitions, to build again after the COPY.
    /// </summary>
    private async Task<List<string>> DropSecondaryIndexesAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        var indexes = new List<(string Name, string Definition)>();
        await using (var command = new NpgsqlCommand("""
            select quote_ident(n.nspname) || '.' || quote_ident(i.relname), pg_get_indexdef(x.indexrelid)
            from pg_index x join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace
            where x.indrelid = $1::regclass and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _log.Events });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) indexes.Add((reader.GetString(0), reader.GetString(1)));
        }

        foreach (var (name, _) in indexes) await ExecuteAsync(connection, $"drop index {name}", cancellation);
        return indexes.Select(i => i.Definition).ToList();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type, CancellationToken cancellation)
    {
        if (value is null) await writer.WriteNullAsync(cancellation);
        else await writer.WriteAsync(value, type, cancellation);
    }
}
