using Marten;
using Npgsql;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

/// <summary>
/// The earning rules in memory: every award needs one, and they change only through <c>PUT /admin/rules</c>. The node that
/// changes a rule forgets its copy after the commit; the commit also notifies every node (PostgreSQL <c>NOTIFY</c>, delivered
/// only if the change commits), and <see cref="EarningRulesListener"/> makes them forget theirs. A copy older than
/// <see cref="MaxAge"/> is read again, in case a notification was missed while a listener reconnected.
/// </summary>
public sealed class EarningRulesCache(IDocumentStore store, TimeProvider clock)
{
    public const string Channel = "xylo_earning_rules";

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private volatile Snapshot? _current;

    private sealed record Snapshot(IReadOnlyDictionary<string, EarningRule> Rules, DateTimeOffset ReadAt);

    private long _generation;

    public async ValueTask<EarningRule> GetAsync(string ruleId, CancellationToken cancellation) => (await AllAsync(cancellation))[ruleId];

    /// <summary>Every rule by id: the stored settings, or the default of a rule nobody changed.</summary>
    public async ValueTask<IReadOnlyDictionary<string, EarningRule>> AllAsync(CancellationToken cancellation)
    {
        if (_current is { } current && clock.GetUtcNow() - current.ReadAt < MaxAge) return current.Rules;

        // A forget that lands while the rules are being read makes this read stale: it is used once, not kept.
        var generation = Interlocked.Read(ref _generation);
        await using var session = store.QuerySession();
        var stored = await session.Query<EarningRule>().ToListAsync(cancellation);
        var rules = EarningRule.Defaults.ToDictionary(d => d.Id, d => stored.FirstOrDefault(s => s.Id == d.Id) ?? d);
        if (Interlocked.Read(ref _generation) == generation) _current = new Snapshot(rules, clock.GetUtcNow());
        return rules;
    }

    public void Forget()
    {
        Interlocked.Increment(ref _generation);
        _current = null;
    }

    /// <summary>Queued in the session that changes a rule: every node hears of it when, and only if, the change commits.</summary>
    public static void NotifyOnCommit(IDocumentSession session, string ruleId) =>
        session.QueueSqlCommand("select pg_notify(?, ?)", Channel, ruleId);
}

/// <summary>Listens for rule changes made on any node, on one connection of its own, and reconnects after a failure.</summary>
public sealed partial class EarningRulesListener(NpgsqlDataSource database, EarningRulesCache cache, ILogger<EarningRulesListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => cache.Forget();
                await using (var listen = new NpgsqlCommand($"listen {EarningRulesCache.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Changes made while no connection listened are not lost: the copy is read again.
                cache.Forget();
                try
                {
                    while (true) await connection.WaitAsync(stoppingToken);
                }
                finally
                {
                    await UnlistenAsync(connection);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLost(logger, e);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The pool does not reset connections (no <c>DISCARD ALL</c>): one must not go back to it still listening.</summary>
    private static async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var unlisten = new NpgsqlCommand("unlisten *", connection);
            await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // A broken connection is not returned to the pool.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Earning rules: lost the connection that listens for rule changes; cached rules are read again at most a minute later, and listening resumes in 5 s")]
    private static partial void LogLost(ILogger logger, Exception exception);
}
