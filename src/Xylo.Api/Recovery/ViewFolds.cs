using System.Reflection;
using System.Threading.Channels;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Grouping;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;

namespace Xylo.Api.Recovery;

/// <summary>One view of a <see cref="LogReplay"/>: takes the events of its types in sequence order, then writes itself once.</summary>
internal interface IViewFold
{
    string Name { get; }

    /// <summary>The document tables it writes (emptied before the replay).</summary>
    IReadOnlyList<Type> DocumentTypes { get; }

    IReadOnlyCollection<Type> EventTypes { get; }

    /// <summary>
    /// Events taken since the view last wrote: a measure of the work its next write has (its documents grow with their
    /// events), by which the views are written largest first.
    /// </summary>
    long Pending { get; }

    ValueTask FoldAsync(IReadOnlyList<IEvent> events, CancellationToken cancellation);

    /// <summary>Writes what is left in memory; the count of documents written by the whole replay.</summary>
    Task<long> CompleteAsync(CancellationToken cancellation);
}

internal static class ViewFold
{
    /// <summary>
    /// The fold of one registered projection: an aggregation (snapshots, single- and multi-stream views) folds in memory
    /// with its own <c>DetermineActionAsync</c>; an event projection (<see cref="IJasperFxProjection{TOperations}"/>, the
    /// leaderboard) gets its events in large batches through its own <c>ApplyAsync</c>. Anything else cannot be replayed here.
    /// </summary>
    public static IViewFold For(DocumentStore store, IProjectionSource<IDocumentOperations, IQuerySession> source, IQuerySession session, int flushAt)
    {
        var aggregation = source.GetType().GetInterfaces().FirstOrDefault(i =>
            i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAggregationProjection<,,,>) &&
            i.GenericTypeArguments[2] == typeof(IDocumentOperations) && i.GenericTypeArguments[3] == typeof(IQuerySession));
        if (aggregation is not null)
        {
            var fold = typeof(AggregateFold<,>).MakeGenericType(aggregation.GenericTypeArguments[0], aggregation.GenericTypeArguments[1]);
            return (IViewFold)Activator.CreateInstance(fold, store, source, session, flushAt)!;
        }

        if (source is ProjectionWrapper<IDocumentOperations, IQuerySession> { Inner: IJasperFxProjection<IDocumentOperations> inner } wrapper)
            return new EventProjectionFold(store, wrapper, inner, Math.Min(flushAt, EventProjectionFold.Batch));

        throw new InvalidOperationException($"projection {source.Name} ({source.GetType().Name}) cannot be replayed in one pass");
    }

    /// <summary>
    /// A connection of the store's database for a view's reads and writes. Where the server has lz4, the documents it
    /// writes are compressed with it: PostgreSQL's default (pglz) took 1.7 of the 4.4 s the server spent taking in the
    /// 47,654 points accounts (3.6 KB of JSON each) of the 1,000,000-event bench log; lz4 next to nothing. Reads decompress
    /// either.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(DocumentStore store, CancellationToken cancellation)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var lz4 = new NpgsqlCommand(
            "select set_config(name, 'lz4', false) from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)", connection);
        await lz4.ExecuteNonQueryAsync(cancellation);
        return connection;
    }

    public static string Table(DocumentStore store, Type documentType) =>
        ((IDocumentStore)store).Options.FindOrResolveDocumentType(documentType).TableName.QualifiedName;
}

/// <summary>
/// An aggregation folded in memory: the projection's slicer groups each batch by identity, and its
/// <c>DetermineActionAsync</c> applies a slice to the document held for that identity, as Marten's daemon does page by
/// page. Each document is written once, by Marten's bulk loader (binary COPY), then its revision is set as the daemon sets it
/// (the last event's stream version for a single-stream aggregate, its sequence for a multi-stream view). Past
/// <c>flushAt</c> documents in memory, all of them are written and forgotten, and one that meets new events is loaded back.
/// </summary>
internal sealed class AggregateFold<TDoc, TId> : IViewFold, IIdentitySetter<TDoc, TId>
    where TDoc : notnull where TId : notnull
{
    private readonly DocumentStore _store;
    private readonly IAggregationProjection<TDoc, TId, IDocumentOperations, IQuerySession> _projection;
    private readonly IQuerySession _session;
    private readonly IEventSlicer _slicer;
    private readonly int _flushAt;
    private readonly IDocumentType _mapping;
    private readonly Dictionary<TId, (TDoc Document, long Revision)> _documents = new();
    private readonly HashSet<TId> _written = new();
    private readonly HashSet<TId> _deletedAfterWrite = new();
    private long _documentsWritten;

    public AggregateFold(DocumentStore store, IProjectionSource<IDocumentOperations, IQuerySession> source, IQuerySession session, int flushAt)
    {
        _store = store;
        _projection = (IAggregationProjection<TDoc, TId, IDocumentOperations, IQuerySession>)source;
        _session = session;
        _slicer = _projection.BuildSlicer(session);
        _flushAt = flushAt;
        _mapping = ((IDocumentStore)store).Options.FindOrResolveDocumentType(typeof(TDoc));
        Name = source.Name;
        EventTypes = _projection.AllEventTypes;
        // Whether the projection deletes on any event type it takes, asked once instead of once per slice (a LINQ
        // intersection per slice, 135 MB of garbage a million events; its own DetermineActionAsync asks again anyway).
        _deletes = _projection.MatchesAnyDeleteType(EventTypes.Select(t => (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(t), [null])!).ToList());
    }

    private readonly bool _deletes;

    public string Name { get; }

    public long Pending { get; private set; }

    public IReadOnlyList<Type> DocumentTypes => [typeof(TDoc)];

    public IReadOnlyCollection<Type> EventTypes { get; }

    public async ValueTask FoldAsync(IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        Pending += events.Count;
        _projection.StartBatch();
        foreach (var group in (await _slicer.SliceAsync(events)).Cast<SliceGroup<TDoc, TId>>())
        {
            await _projection.EnrichEventsAsync(group, _session, cancellation);
            await LoadWrittenAsync(group, cancellation);
            foreach (var slice in group.Slices)
            {
                var sliceEvents = slice.Events();
                var exists = _documents.TryGetValue(slice.Id, out var current);
                if (_deletes && _projection.MatchesAnyDeleteType(sliceEvents))
                {
                    Forget(slice.Id);
                    continue;
                }

                var (document, action) = await _projection.DetermineActionAsync(_session, exists ? current.Document : default, slice.Id, this,
                    sliceEvents, cancellation);
                if (action == ActionType.Nothing) continue;

                (var last, document) = _projection.TryApplyMetadata(sliceEvents, document, slice.Id, this);
                last ??= sliceEvents[^1];
                if (action is ActionType.Store or ActionType.UnDeleteAndStore && document is not null)
                {
                    _documents[slice.Id] = (document, _projection.Scope == AggregationScope.SingleStream ? last.Version : last.Sequence);
                }
                else
                {
                    Forget(slice.Id);
                }
            }
        }

        await _projection.EndBatchAsync();
        if (_documents.Count >= _flushAt) await WriteAsync(cancellation);
    }

    public async Task<long> CompleteAsync(CancellationToken cancellation)
    {
        await WriteAsync(cancellation);
        if (_deletedAfterWrite.Count > 0)
        {
            await using var connection = await ViewFold.OpenAsync(_store, cancellation);
            await using var delete = new NpgsqlCommand($"delete from {_mapping.TableName.QualifiedName} where id = any($1)", connection);
            delete.Parameters.Add(new NpgsqlParameter { Value = _deletedAfterWrite.ToArray() });
            _documentsWritten -= await delete.ExecuteNonQueryAsync(cancellation);
        }

        return _documentsWritten;
    }

    private void Forget(TId id)
    {
        _documents.Remove(id);
        if (_written.Contains(id)) _deletedAfterWrite.Add(id);
    }

    /// <summary>Documents written by an earlier flush that this batch changes come back into memory first.</summary>
    private async Task LoadWrittenAsync(SliceGroup<TDoc, TId> group, CancellationToken cancellation)
    {
        if (_written.Count == 0) return;
        var missing = group.Slices.Select(s => s.Id).Where(id => !_documents.ContainsKey(id) && _written.Contains(id) && !_deletedAfterWrite.Contains(id))
            .ToList();
        if (missing.Count == 0) return;

        await using var connection = await ViewFold.OpenAsync(_store, cancellation);
        await using var load = new NpgsqlCommand($"select id, data, mt_version from {_mapping.TableName.QualifiedName} where id = any($1)", connection);
        load.Parameters.Add(new NpgsqlParameter { Value = missing.ToArray() });
        await using var reader = await load.ExecuteReaderAsync(cancellation);
        var serializer = _store.Options.Serializer();
        while (await reader.ReadAsync(cancellation))
        {
            var document = (TDoc)serializer.FromJson(typeof(TDoc), reader, 1);
            _documents[reader.GetFieldValue<TId>(0)] = (document, reader.GetInt64(2));
        }
    }

    /// <summary>
    /// Every document in memory, written with its revision. A table of Marten's plain columns (id, data, type, version,
    /// time) is written by one binary COPY (through a temporary table and an upsert once an earlier flush wrote some);
    /// a table with duplicated fields goes through Marten's bulk loader, which fills them, and its revisions are set after.
    /// </summary>
    private async Task WriteAsync(CancellationToken cancellation)
    {
        if (_documents.Count == 0) return;

        await using var connection = await ViewFold.OpenAsync(_store, cancellation);
        if (await HasOnlyPlainColumnsAsync(connection, cancellation)) await CopyPlainAsync(connection, cancellation);
        else await BulkLoadAsync(connection, cancellation);

        foreach (var id in _documents.Keys)
        {
            if (_written.Add(id)) _documentsWritten++;
            _deletedAfterWrite.Remove(id);
        }

        _documents.Clear();
        Pending = 0;
    }

    /// <summary>One COPY into the table, or into a temporary table and an upsert from it once an earlier flush wrote some.</summary>
    private async Task CopyPlainAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        var table = _mapping.TableName.QualifiedName;
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        if (_written.Count == 0)
        {
            await CopyAsync(connection, table, cancellation);
        }
        else
        {
            await ExecuteAsync(connection, $"create temp table replay_documents (like {table} including defaults) on commit drop", cancellation);
            await CopyAsync(connection, "replay_documents", cancellation);
            await ExecuteAsync(connection, $"""
                insert into {table} (id, data, mt_dotnet_type, mt_version) select id, data, mt_dotnet_type, mt_version from replay_documents
                on conflict (id) do update set data = excluded.data, mt_dotnet_type = excluded.mt_dotnet_type, mt_version = excluded.mt_version,
                    mt_last_modified = transaction_timestamp()
                """, cancellation);
        }

        await transaction.CommitAsync(cancellation);
    }

    /// <summary>
    /// Marten's bulk loader, which fills the duplicated fields, then the revisions. Its overwriting mode leaves a temporary
    /// table on the pooled connection (the next one fails with "already exists"), so the documents an earlier flush wrote
    /// are deleted and inserted again instead.
    /// </summary>
    private async Task BulkLoadAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        var table = _mapping.TableName.QualifiedName;
        if (_written.Count > 0)
        {
            await using var delete = new NpgsqlCommand($"delete from {table} where id = any($1)", connection);
            delete.Parameters.Add(new NpgsqlParameter { Value = _documents.Keys.Where(_written.Contains).ToArray() });
            await delete.ExecuteNonQueryAsync(cancellation);
        }

        await _store.BulkInsertAsync(_documents.Values.Select(v => v.Document).ToList(), BulkInsertMode.InsertsOnly, 50_000, cancellation);

        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await ExecuteAsync(connection, $"create temp table replay_revisions (id {IdColumnType} primary key, revision bigint not null) on commit drop", cancellation);
        await using (var copy = await connection.BeginBinaryImportAsync("copy replay_revisions (id, revision) from stdin (format binary)", cancellation))
        {
            foreach (var (id, (_, revision)) in _documents)
            {
                await copy.StartRowAsync(cancellation);
                await copy.WriteAsync(id, cancellation);
                await copy.WriteAsync(revision, NpgsqlDbType.Bigint, cancellation);
            }

            await copy.CompleteAsync(cancellation);
        }

        await ExecuteAsync(connection, $"update {table} d set mt_version = r.revision from replay_revisions r where d.id = r.id and d.mt_version <> r.revision",
            cancellation);
        await transaction.CommitAsync(cancellation);
    }

    private static string IdColumnType =>
        typeof(TId) == typeof(Guid) ? "uuid" : typeof(TId) == typeof(string) ? "varchar" : typeof(TId) == typeof(long) ? "bigint" : "integer";

    private static readonly string[] PlainColumns = ["id", "data", "mt_last_modified", "mt_dotnet_type", "mt_version"];

    private async Task<bool> HasOnlyPlainColumnsAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var columns = new NpgsqlCommand(
            "select array_agg(column_name::text) from information_schema.columns where table_schema = $1 and table_name = $2", connection);
        columns.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _mapping.TableName.Schema });
        columns.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _mapping.TableName.Name });
        return await columns.ExecuteScalarAsync(cancellation) is string[] names && names.All(PlainColumns.Contains);
    }

    /// <summary>
    /// One binary COPY of the documents, serialized as Marten serializes a document it stores (UTF-8 JSON, its
    /// <see cref="Marten.ISerializer.WriteToParameter"/>), two chunks at a time on the thread pool ahead of the COPY (the points
    /// accounts' JSON took most of the write; as strings, each was transcoded to UTF-16 and back).
    /// </summary>
    private async Task CopyAsync(NpgsqlConnection connection, string target, CancellationToken cancellation)
    {
        const int Chunk = 2_000;
        var serializer = _store.Options.Serializer();
        var dotnetType = typeof(TDoc).FullName;
        var entries = _documents.ToArray();
        var chunks = Channel.CreateBounded<(int Start, byte[][] Json)>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        var serializing = Task.Run(async () =>
        {
            try
            {
                for (var start = 0; start < entries.Length; start += 2 * Chunk)
                {
                    var parts = new[] { start, start + Chunk }.Where(s => s < entries.Length).Select(s => Task.Run(() =>
                        (s, entries[s..Math.Min(s + Chunk, entries.Length)].Select(e => Utf8Json(serializer, e.Value.Document)).ToArray()), cancellation)).ToList();
                    foreach (var part in parts) await chunks.Writer.WriteAsync(await part, cancellation);
                }

                chunks.Writer.Complete();
            }
            catch (Exception e)
            {
                chunks.Writer.Complete(e);
            }
        }, CancellationToken.None);

        await using var copy = await connection.BeginBinaryImportAsync(
            $"copy {target} (id, data, mt_dotnet_type, mt_version) from stdin (format binary)", cancellation);
        await foreach (var (start, json) in chunks.Reader.ReadAllAsync(cancellation))
        {
            for (var i = 0; i < json.Length; i++)
            {
                var (id, (_, revision)) = entries[start + i];
                copy.StartRow();
                copy.Write(id);
                copy.Write(json[i], NpgsqlDbType.Jsonb);
                copy.Write(dotnetType, NpgsqlDbType.Varchar);
                copy.Write(revision, NpgsqlDbType.Bigint);
            }
        }

        await serializing;
        await copy.CompleteAsync(cancellation);
    }

    private static byte[] Utf8Json(Marten.ISerializer serializer, TDoc document)
    {
        var parameter = new NpgsqlParameter();
        serializer.WriteToParameter(parameter, document);
        return parameter.Value as byte[] ?? System.Text.Encoding.UTF8.GetBytes(serializer.ToJson(document));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    public TId Identity(TDoc document) => _mapping.IdMember switch
    {
        PropertyInfo property => (TId)property.GetValue(document)!,
        FieldInfo field => (TId)field.GetValue(document)!,
        _ => throw new InvalidOperationException($"{typeof(TDoc).Name} has no identity member"),
    };

    public void SetIdentity(TDoc document, TId identity)
    {
        switch (_mapping.IdMember)
        {
            case PropertyInfo property:
                property.SetValue(document, identity);
                break;
            case FieldInfo field:
                field.SetValue(document, identity);
                break;
        }
    }
}

/// <summary>
/// An event projection (the leaderboard's increments): its own <c>ApplyAsync</c> on batches of up to <c>flushAt</c> events,
/// each batch committed in one session, so a page-by-page upsert becomes a handful of large ones. A full batch is written in
/// the background while the next one gathers (one at a time, in order).
/// </summary>
internal sealed class EventProjectionFold(
    DocumentStore store, ProjectionWrapper<IDocumentOperations, IQuerySession> source, IJasperFxProjection<IDocumentOperations> projection, int flushAt)
    : IViewFold
{
    /// <summary>Events per batch: four statements for the 333,000 earnings of a 1,000,000-event log.</summary>
    public const int Batch = 100_000;

    private List<IEvent> _pending = new();
    private Task _flushing = Task.CompletedTask;

    public string Name => source.Name;

    public long Pending => _pending.Count;

    public IReadOnlyList<Type> DocumentTypes => source.PublishedTypes().ToList();

    public IReadOnlyCollection<Type> EventTypes => source.IncludedEventTypes.Count > 0
        ? source.IncludedEventTypes
        : throw new InvalidOperationException($"projection {source.Name} names no event types; a one-pass replay would hand it every event");

    public async ValueTask FoldAsync(IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        _pending.AddRange(events);
        if (_pending.Count < flushAt) return;
        await _flushing;
        var batch = _pending;
        _pending = new List<IEvent>();
        _flushing = Task.Run(() => FlushAsync(batch, cancellation), cancellation);
    }

    public async Task<long> CompleteAsync(CancellationToken cancellation)
    {
        await _flushing;
        await FlushAsync(_pending, cancellation);
        _pending.Clear();
        long rows = 0;
        await using var connection = await ViewFold.OpenAsync(store, cancellation);
        foreach (var type in DocumentTypes)
        {
            await using var count = new NpgsqlCommand($"select count(*) from {ViewFold.Table(store, type)}", connection);
            rows += (long)(await count.ExecuteScalarAsync(cancellation))!;
        }

        return rows;
    }

    private async Task FlushAsync(List<IEvent> events, CancellationToken cancellation)
    {
        if (events.Count == 0) return;
        await using var session = store.LightweightSession();
        await projection.ApplyAsync(session, events, cancellation);
        await session.SaveChangesAsync(cancellation);
    }
}
