using System.Globalization;
using System.Numerics;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Marten;
using Xylo.Api.Chain;
using Xylo.Api.External.Slack;
using Xylo.Domain.Vault;

namespace Xylo.Api.Features.Vault;

/// <summary>
/// Follows the vault's Deposited/Withdrawn logs into the event log. One node at a time holds its lease (a session-level
/// PostgreSQL advisory lock on a connection of its own, released by PostgreSQL when the node dies). Each poll re-checks
/// the hashes of the blocks it indexed recently; a block that changed is a reorg: every log above the fork point gets a
/// compensating <see cref="VaultEventReorged"/> and the cursor goes back to the fork point. Otherwise it reads the next
/// range of blocks up to the safe head with one eth_getLogs and appends what is new in one transaction together with
/// its cursor, so a crash repeats a range at most (each log is its own stream, so a repeat appends nothing).
/// </summary>
public sealed partial class VaultIndexer(
    IDocumentStore store,
    IServiceScopeFactory scopes,
    NpgsqlDataSource database,
    ChainGateway chain,
    IOptions<VaultOptions> options,
    TimeProvider clock,
    ILogger<VaultIndexer> logger) : BackgroundService
{
    /// <summary>The advisory lock key of the indexer's lease ("VAULTIDX").</summary>
    public const long LeaseKey = 0x5641554C54494458;

    private bool _stallReported;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || !chain.IsVaultConfigured)
        {
            LogOff(logger, options.Value.Enabled ? "no Chain:VaultContract configured" : "Vault:Enabled is false");
            return;
        }

        var pause = TimeSpan.FromMilliseconds(options.Value.PollIntervalMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var lease = await database.OpenConnectionAsync(stoppingToken);
                if (await ScalarAsync<bool>(lease, $"select pg_try_advisory_lock({LeaseKey})", stoppingToken))
                {
                    LogLeaseTaken(logger);
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        var behind = await PollOrRecordFailureAsync(stoppingToken);
                        // The lease lives as long as its connection: one that broke took the lock with it.
                        await ScalarAsync<int>(lease, "select 1", stoppingToken);
                        if (!behind) await Task.Delay(pause, clock, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLeaseLost(logger, e);
            }

            try
            {
                await Task.Delay(pause * 2, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> PollOrRecordFailureAsync(CancellationToken cancellation)
    {
        try
        {
            var behind = await PollAsync(cancellation);
            _stallReported = false;
            return behind;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            if (e is NpgsqlException) throw;
            LogPollFailed(logger, e.GetBaseException().Message, e);
            await RecordFailureAsync(e.GetBaseException().Message, cancellation);
            return false;
        }
    }

    /// <summary>One poll: reorg check, then a range of blocks (or the rescan an admin asked for), then the pending logs. True while behind.</summary>
    public async Task<bool> PollAsync(CancellationToken cancellation)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await using var session = store.LightweightSession();
        outbox.Enroll(session);

        var batch = session.CreateBatchQuery();
        var loadState = batch.Load<VaultIndexerState>(VaultIndexerState.Key);
        var loadRescan = batch.Load<VaultRescan>(VaultIndexerState.Key);
        await batch.Execute(cancellation);
        var state = await loadState ?? VaultIndexerState.Start(chain.DeploymentBlock);
        var rescan = await loadRescan;

        var heads = await chain.HeadsAsync(settings.ConfirmationDepth, settings.UseFinalizedTag);
        if (state.Recent.Count > 0)
        {
            var hashes = await chain.BlockHashesAsync(state.Recent.Select(b => b.Number));
            var gone = state.Recent.Where(b => !string.Equals(hashes[b.Number], b.Hash, StringComparison.OrdinalIgnoreCase)).ToList();
            if (gone.Count > 0)
            {
                await RewindAsync(session, outbox, state, gone, hashes, now, cancellation);
                return true;
            }
        }

        if (rescan is not null)
        {
            session.Delete(rescan);
            if (rescan.FromBlock <= state.Cursor)
            {
                LogRescan(logger, rescan.FromBlock, state.Cursor, rescan.RequestedBy);
                state = state with { Cursor = rescan.FromBlock - 1, CursorHash = null, Recent = [.. state.Recent.Where(b => b.Number < rescan.FromBlock)] };
            }
        }

        var deposits = new List<ChainVaultLog>();
        var indexed = 0;
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var readMs = 0L;
        var from = state.Cursor + 1;
        var to = Math.Min(heads.Safe, state.Cursor + settings.BatchBlocks);
        if (to >= from)
        {
            var logs = await chain.VaultLogsAsync(from, to);
            var tipHash = (await chain.BlockHashesAsync([to]))[to] ?? throw new InvalidOperationException($"block {to} is missing on the chain");
            readMs = timer.ElapsedMilliseconds;
            indexed = logs.Count;
            var known = (await session.LoadManyAsync<VaultLog>(cancellation, logs.Select(l => VaultLog.IdFor(l.TxHash, l.LogIndex)).Distinct()))
                .ToDictionary(l => l.Id);
            foreach (var log in logs)
            {
                var id = VaultLog.IdFor(log.TxHash, log.LogIndex);
                var decision = VaultDecisions.Observe(known.GetValueOrDefault(id), log, now);
                if (decision.Events.Count == 0) continue;
                if (known.ContainsKey(id)) session.Events.Append(id, decision.Events);
                else session.Events.StartStream<VaultLog>(id, decision.Events);
                if (log.Kind == VaultLogKind.Deposit) deposits.Add(log);
            }

            state = state with
            {
                Cursor = to,
                CursorHash = tipHash,
                Recent = [.. state.Recent.Concat(logs.Select(l => new IndexedBlock(l.BlockNumber, l.BlockHash))).Append(new IndexedBlock(to, tipHash))
                    .Where(b => b.Number > to - settings.ReorgWindowBlocks).DistinctBy(b => b.Number).OrderBy(b => b.Number)],
                ProgressAt = now,
            };
            foreach (var wallet in deposits.Select(d => d.Wallet).Distinct()) await outbox.PublishAsync(new SettleVaultCredits(wallet));
            foreach (var big in deposits.Where(d => Units(d) >= settings.BigDepositUnits))
            {
                await outbox.PublishAsync(SlackNotice.Monitoring(
                    $"Vault deposit: {Units(big).ToString(CultureInfo.InvariantCulture)} {TokenName(big.Token)} from {big.Wallet} (tx {big.TxHash}, block {big.BlockNumber})"));
            }
        }

        var caughtUp = state.Cursor >= heads.Safe;
        var pending = caughtUp && heads.Latest > state.Cursor
            ? (await chain.VaultLogsAsync(state.Cursor + 1, heads.Latest)).Take(settings.MaxPendingShown)
                .Select(l => new PendingVaultLog(l.Kind, l.TxHash, l.LogIndex, l.BlockNumber, l.Wallet, l.Token, l.Amount, l.Decimals)).ToList()
            : [];
        state = state with { SafeHead = heads.Safe, LatestHead = heads.Latest, Pending = pending, PolledAt = now, LastError = null, LastErrorAt = null };
        session.Store(state);
        await session.SaveChangesAsync(cancellation);
        if (indexed > 0) LogIndexed(logger, indexed, from, to, heads.Safe, readMs, timer.ElapsedMilliseconds);

        VaultMetrics.Lag.Set(state.LagBlocks ?? 0);
        foreach (var deposit in deposits) VaultMetrics.Deposits.WithLabels(TokenName(deposit.Token)).Inc();
        return !caughtUp;
    }

    private async Task RewindAsync(IDocumentSession session, IMartenOutbox outbox, VaultIndexerState state, List<IndexedBlock> gone,
        IReadOnlyDictionary<long, string?> hashes, DateTimeOffset now, CancellationToken cancellation)
    {
        var first = gone.MinBy(b => b.Number)!;
        var kept = state.Recent.Where(b => b.Number < first.Number && !gone.Contains(b)).Select(b => (long?)b.Number).Max();
        if (kept is null) LogDeepReorg(logger, first.Number, options.Value.ReorgWindowBlocks);
        var fork = kept ?? state.Recent.Min(b => b.Number) - 1;

        var reorged = await session.Query<VaultLog>().Where(l => l.Status == VaultLogStatus.Indexed && l.BlockNumber > fork).ToListAsync(cancellation);
        foreach (var log in reorged) session.Events.Append(log.Id, VaultDecisions.Reorg(log, fork, now).Events);
        foreach (var wallet in reorged.Where(l => l.Kind == VaultLogKind.Deposit).Select(l => l.Wallet).Distinct())
        {
            await outbox.PublishAsync(new SettleVaultCredits(wallet));
        }

        var seen = new VaultReorgSeen(fork, first.Number, first.Hash, hashes[first.Number], reorged.Count, now);
        await outbox.PublishAsync(SlackNotice.Alert(
            $"Vault: chain reorg at block {first.Number} (was {first.Hash}, now {seen.NewHash ?? "missing"}); {reorged.Count} logs reversed, re-reading from block {fork + 1}"));
        session.Store(state with
        {
            Cursor = fork,
            CursorHash = state.Recent.FirstOrDefault(b => b.Number == fork)?.Hash,
            Recent = [.. state.Recent.Where(b => b.Number <= fork)],
            LastReorg = seen,
            Reorgs = state.Reorgs + 1,
            ProgressAt = now,
        });
        await session.SaveChangesAsync(cancellation);
        LogReorg(logger, first.Number, fork, reorged.Count);
        VaultMetrics.Reorgs.Inc();
    }

    /// <summary>The RPC (or anything else) failed: recorded for readiness; behind for too long is reported once as stalled.</summary>
    private async Task RecordFailureAsync(string error, CancellationToken cancellation)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        var now = clock.GetUtcNow();
        var state = await session.LoadAsync<VaultIndexerState>(VaultIndexerState.Key, cancellation) ?? VaultIndexerState.Start(chain.DeploymentBlock);
        var since = state.PolledAt ?? state.LastErrorAt ?? now;
        if (!_stallReported && now - since >= TimeSpan.FromSeconds(options.Value.StalledAfterSeconds))
        {
            _stallReported = true;
            await outbox.PublishAsync(SlackNotice.Alert(
                $"Vault indexer stalled: no successful poll since {since:O} (cursor at block {state.Cursor}); last error: {error}"));
        }

        session.Store(state with { LastError = error, LastErrorAt = now });
        await session.SaveChangesAsync(cancellation);
    }

    private static decimal Units(ChainVaultLog log)
    {
        var amount = BigInteger.Parse(log.Amount, CultureInfo.InvariantCulture);
        var scale = BigInteger.Pow(10, log.Decimals);
        return (decimal)(amount / scale) + ((decimal)(amount % scale) / (decimal)scale);
    }

    public static string TokenName(string token) => token == VaultLog.NativeToken ? "native" : token;

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellation))!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vault indexer off: {Reason}")]
    private static partial void LogOff(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Vault indexer: this node holds the indexer's lease and follows the chain")]
    private static partial void LogLeaseTaken(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vault indexer: lost its database connection or lease; taking it again shortly")]
    private static partial void LogLeaseLost(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vault indexer: poll failed ({Error}); waiting for the chain RPC, nothing skipped")]
    private static partial void LogPollFailed(ILogger logger, string error, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Vault indexer: {Count} logs in blocks {From}..{To} committed (safe head {Safe}; chain reads {ReadMs} ms, in all {TotalMs} ms)")]
    private static partial void LogIndexed(ILogger logger, int count, long from, long to, long safe, long readMs, long totalMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vault indexer: rescan from block {FromBlock} (cursor was {Cursor}) asked by {RequestedBy}")]
    private static partial void LogRescan(ILogger logger, long fromBlock, long cursor, string requestedBy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vault indexer: reorg at block {Block}; fork point {Fork}, {Count} logs reversed")]
    private static partial void LogReorg(ILogger logger, long block, long fork, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Vault indexer: reorg at block {Block} reaches below the {Window} blocks kept; re-reading from the oldest kept block")]
    private static partial void LogDeepReorg(ILogger logger, long block, int window);
}
