using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Prometheus;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Hosting;

/// <summary>Where the replica stood at its last measurement; <see cref="Usable"/> when reads may go to it.</summary>
public sealed record ReplicaState(bool Reachable, double? LagSeconds, bool Usable, string Description, DateTimeOffset MeasuredAt);

/// <summary>
/// The optional read replica (<c>DATABASE_REPLICA_URL</c>): a second, read-only <see cref="NpgsqlDataSource"/> for the reads
/// that tolerate staleness, with its lag measured every <see cref="DatabaseOptions.ReplicaPollMilliseconds"/> and every read
/// falling back to the primary when the replica is unreachable, not a replica, or behind by more than
/// <see cref="DatabaseOptions.ReplicaMaxLagSeconds"/>. Without a replica every read goes to the primary, as before.
/// </summary>
/// <remarks>
/// The lag is measured against the primary's own WAL position rather than <c>pg_last_xact_replay_timestamp()</c> (which grows
/// while the primary is idle) or <c>pg_stat_replication</c> (which needs monitoring rights on the primary): each poll samples
/// the primary's insert position at time T, and the replica is "as of T" once it has replayed past that position. The lag is
/// now − the newest such T: every write committed before it is on the replica.
/// </remarks>
public sealed partial class ReadReplica : BackgroundService
{
    public const string ApplicationNameSuffix = "-replica";

    private static readonly Gauge LagSeconds = Prometheus.Metrics.CreateGauge("xylo_db_replica_lag_seconds",
        "How far the read replica's data is behind the primary, in seconds (measured on the primary's WAL position; NaN while unreachable or when none is configured).");

    private static readonly Gauge Up = Prometheus.Metrics.CreateGauge("xylo_db_replica_up",
        "1 when the read replica answers and is in recovery (a replica), 0 otherwise; NaN when none is configured.");

    private static readonly Counter Reads = Prometheus.Metrics.CreateCounter("xylo_db_replica_reads_total",
        "Stale-tolerant reads by the server that answered them (replica, or primary when the replica was unusable).",
        new CounterConfiguration { LabelNames = ["read", "served_by"] });

    /// <summary>Samples of the primary's WAL position kept while the replica is behind them (an hour at one a second).</summary>
    private const int MaxSamples = 3600;

    private readonly NpgsqlDataSource _primary;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _clock;
    private readonly ILogger<ReadReplica> _logger;
    private readonly Queue<(DateTimeOffset At, NpgsqlLogSequenceNumber Lsn)> _samples = new();
    private DateTimeOffset? _caughtUpTo;
    private volatile ReplicaState _state;

    public ReadReplica(NpgsqlDataSource primary, IOptions<XyloSecrets> secrets, IOptions<DatabaseOptions> options, IServiceProvider services,
        TimeProvider clock, ILogger<ReadReplica> logger)
    {
        _primary = primary;
        _services = services;
        _clock = clock;
        _logger = logger;
        var settings = options.Value;
        MaxLag = TimeSpan.FromSeconds(settings.ReplicaMaxLagSeconds);
        PollInterval = TimeSpan.FromMilliseconds(settings.ReplicaPollMilliseconds);
        if (secrets.Value[XyloSecrets.DatabaseReplicaUrl] is { } url)
        {
            DataSource = XyloDatabase.Create(url, settings, settings.ApplicationName + ApplicationNameSuffix, settings.ReplicaConnectTimeoutSeconds);
        }

        _state = new ReplicaState(false, null, false, DataSource is null ? "not configured" : "not measured yet", clock.GetUtcNow());
        // No replica, nothing to measure: NaN, which no alert's comparison matches (0 would read as "down" or "caught up").
        LagSeconds.Set(double.NaN);
        Up.Set(double.NaN);
    }

    /// <summary>The replica's pool, null when <c>DATABASE_REPLICA_URL</c> is not set.</summary>
    public NpgsqlDataSource? DataSource { get; }

    public TimeSpan MaxLag { get; }

    public TimeSpan PollInterval { get; }

    /// <summary>
    /// The most a read served here can miss: writes committed in the last <see cref="MaxLag"/> plus two polls (a measurement
    /// is trusted for two poll intervals, then reads go to the primary until the next one).
    /// </summary>
    public TimeSpan StalenessBound => MaxLag + 2 * PollInterval;

    public ReplicaState State => _state;

    /// <summary>Whether a read now would go to the replica.</summary>
    public bool Serving => DataSource is not null && _state.Usable && _clock.GetUtcNow() - _state.MeasuredAt <= 2 * PollInterval;

    /// <summary>
    /// Runs a read that tolerates staleness (<paramref name="read"/> names it in <c>xylo_db_replica_reads_total</c>) on the
    /// replica when it is serving, else on the primary; a replica that fails under the read (down, restarting, a query
    /// cancelled by a recovery conflict) is marked down and the read runs again on the primary.
    /// </summary>
    public async Task<T> ReadAsync<T>(string read, Func<NpgsqlDataSource, bool, Task<T>> query, CancellationToken cancellation)
    {
        if (DataSource is null) return await query(_primary, false);
        if (Serving)
        {
            try
            {
                var result = await query(DataSource, true);
                Reads.WithLabels(read, "replica").Inc();
                return result;
            }
            catch (Exception ex) when (!cancellation.IsCancellationRequested && ServerFailure(ex) is { } failure)
            {
                MarkDown($"unreachable (failed under a read: {failure.Message})");
            }
        }

        var answer = await query(_primary, false);
        Reads.WithLabels(read, "primary").Inc();
        return answer;
    }

    /// <summary>
    /// <see cref="ReadAsync{T}"/> through a Marten query session on the chosen server. On the replica the session runs in a
    /// transaction of a connection from the replica's pool (Marten takes a connection of ours only with its transaction); its
    /// BEGIN travels with the first query, the ROLLBACK costs the replica one round trip.
    /// </summary>
    public Task<T> QueryAsync<T>(string read, Func<IQuerySession, Task<T>> query, CancellationToken cancellation) =>
        ReadAsync(read, async (source, onReplica) =>
        {
            var store = _services.GetRequiredService<IDocumentStore>();
            if (!onReplica)
            {
                await using var primary = store.QuerySession();
                return await query(primary);
            }

            await using var connection = await source.OpenConnectionAsync(cancellation);
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            await using var session = store.QuerySession(Marten.Services.SessionOptions.ForTransaction(transaction));
            try
            {
                return await query(session);
            }
            catch (InvalidOperationException ex) when (connection.FullState != System.Data.ConnectionState.Open)
            {
                // A pooled connection to a replica that went away breaks under the first query; Marten's retry of it then
                // finds the transaction gone ("Transaction is already completed"). The replica failed, not the read: the
                // read goes to the primary (this answered 500 once in the test that stops the replica).
                throw new NpgsqlException("the replica's connection broke under a read", ex);
            }
        }, cancellation);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (DataSource is null) return;
        LogConfigured(_logger, MaxLag.TotalSeconds, StalenessBound.TotalSeconds);
        using var timer = new PeriodicTimer(PollInterval, _clock);
        do
        {
            try
            {
                await MeasureAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Publish(new ReplicaState(false, null, false, $"lag not measured: {ex.Message}", _clock.GetUtcNow()));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (DataSource is not null) await DataSource.DisposeAsync();
    }

    private async Task MeasureAsync(CancellationToken cancellation)
    {
        var sampledAt = _clock.GetUtcNow();
        NpgsqlLogSequenceNumber primaryLsn;
        try
        {
            await using var command = _primary.CreateCommand("select pg_current_wal_insert_lsn()");
            primaryLsn = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellation))!;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            Publish(new ReplicaState(_state.Reachable, null, false, $"lag unknown, the primary did not answer: {ex.Message}", _clock.GetUtcNow()));
            return;
        }

        _samples.Enqueue((sampledAt, primaryLsn));
        if (_samples.Count > MaxSamples) _samples.Dequeue();

        bool inRecovery;
        NpgsqlLogSequenceNumber? replayed;
        try
        {
            await using var command = DataSource!.CreateCommand("select pg_is_in_recovery(), pg_last_wal_replay_lsn()");
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            await reader.ReadAsync(cancellation);
            inRecovery = reader.GetBoolean(0);
            replayed = reader.IsDBNull(1) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            Publish(new ReplicaState(false, null, false, $"unreachable: {ex.Message}", _clock.GetUtcNow()));
            return;
        }

        var now = _clock.GetUtcNow();
        if (!inRecovery || replayed is not { } position)
        {
            Publish(new ReplicaState(true, null, false, "not a replica (pg_is_in_recovery() is false): every read goes to the primary", now));
            return;
        }

        while (_samples.TryPeek(out var sample) && sample.Lsn <= position)
        {
            _caughtUpTo = sample.At;
            _samples.Dequeue();
        }

        if (_caughtUpTo is not { } asOf)
        {
            var behind = (now - _samples.Peek().At).TotalSeconds;
            Publish(new ReplicaState(true, behind, false, $"at least {behind:0.0} s behind, catching up", now));
            return;
        }

        var lag = Math.Max(0, (now - asOf).TotalSeconds);
        Publish(lag <= MaxLag.TotalSeconds
            ? new ReplicaState(true, lag, true, $"{lag:0.000} s behind (bound {MaxLag.TotalSeconds:0.#} s): stale-tolerant reads served here", now)
            : new ReplicaState(true, lag, false, $"{lag:0.0} s behind, over the {MaxLag.TotalSeconds:0.#} s bound: reads go to the primary", now));
    }

    /// <summary>
    /// Any failure of PostgreSQL under a replica read (down, restarting, a query cancelled by a recovery conflict, a connection
    /// the replica's shutdown closed): the read runs again on the primary, where a real fault of the query shows as it would have.
    /// </summary>
    private static NpgsqlException? ServerFailure(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException npgsql) return npgsql;
            if (current is AggregateException aggregate) return aggregate.InnerExceptions.Select(ServerFailure).FirstOrDefault(e => e is not null);
        }

        return null;
    }

    private void MarkDown(string reason) => Publish(_state with { Reachable = false, Usable = false, Description = reason });

    private void Publish(ReplicaState state)
    {
        var before = _state;
        _state = state;
        LagSeconds.Set(state.LagSeconds ?? double.NaN);
        Up.Set(state.Reachable && state.LagSeconds is not null ? 1 : 0);
        if (before.Usable && !state.Usable) LogFellBack(_logger, state.Description);
        else if (!before.Usable && state.Usable) LogServing(_logger, state.Description);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Read replica configured: stale-tolerant reads go to it while it is at most {MaxLagSeconds} s behind (staleness bound {BoundSeconds} s)")]
    private static partial void LogConfigured(ILogger logger, double maxLagSeconds, double boundSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read replica unusable, reads go to the primary: {Reason}")]
    private static partial void LogFellBack(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read replica serving reads again: {Reason}")]
    private static partial void LogServing(ILogger logger, string reason);
}
