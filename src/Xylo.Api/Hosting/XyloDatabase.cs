using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Prometheus;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Hosting;

/// <summary>
/// Settings of the one connection pool (section <c>Database</c>); the address itself is the secret
/// <see cref="XyloSecrets.DatabaseUrl"/>. Defaults were chosen by <c>./xylo bench</c> (docs/benchmarks.md).
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Connections this process may hold. Beyond about four per core PostgreSQL only queues more backends.</summary>
    public int MaxPoolSize { get; set; } = 24;

    public int MinPoolSize { get; set; }

    /// <summary>Statements Npgsql prepares after they repeat (Marten's appends and upserts): parsed and planned once per connection.</summary>
    public int MaxAutoPrepare { get; set; } = 128;

    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// PostgreSQL plans every statement with its parameters (<c>plan_cache_mode=force_custom_plan</c>). Set for the
    /// commands that replay the log (<c>projections</c>, <c>recovery</c>; see <see cref="XyloDatabase.ForLogReplay"/>),
    /// not for the API: a prepared statement's generic plan cannot see how wide a range parameter is, so for the daemon's
    /// page query (<c>seq_id &gt; $1 and seq_id &lt;= $2 … order by seq_id limit 10000</c>) it estimated 0.5 % of the log,
    /// hashed all of <c>mt_streams</c> and sorted the whole remaining log on disk: 1.0 s a page at 1,000,000 events
    /// against 45 ms planned with the values. The API keeps generic plans: they are worth 20 % of pgbench's prepared tps here.
    /// </summary>
    public bool CustomPlans { get; set; }

    public string ApplicationName { get; set; } = ApiApplicationName;

    /// <summary>The API's connections (<c>application_name</c>): what <c>recovery rebuild</c> looks for before it starts.</summary>
    public const string ApiApplicationName = "xylo-api";

    /// <summary>The connections of the commands that replay the log.</summary>
    public const string ReplayApplicationName = "xylo-replay";

    /// <summary>The read replica (<c>DATABASE_REPLICA_URL</c>) serves reads while at most this far behind the primary.</summary>
    public double ReplicaMaxLagSeconds { get; set; } = 5;

    /// <summary>How often the replica's lag is measured; a measurement older than two of these sends reads to the primary.</summary>
    public int ReplicaPollMilliseconds { get; set; } = 1000;

    /// <summary>Connect timeout to the replica (unless its URL sets one): a replica host that is gone costs a read this long once.</summary>
    public int ReplicaConnectTimeoutSeconds { get; set; } = 2;
}

/// <summary>
/// The one place that builds an <see cref="NpgsqlDataSource"/>: the API's (Marten, Wolverine, health, audit, archive)
/// from the secret <see cref="XyloSecrets.DatabaseUrl"/>, the read replica's (<see cref="ReadReplica"/>, from
/// <see cref="XyloSecrets.DatabaseReplicaUrl"/>), and the recovery commands' for the database they restore into.
/// </summary>
public static class XyloDatabase
{
    /// <summary>
    /// <c>No Reset On Close</c>: a connection goes back to the pool without <c>DISCARD ALL</c>, which cost one statement
    /// per checkout and threw away the prepared plans. Nothing here leaves session state behind: transaction locks are
    /// transaction-scoped, and the session-level locks of the daemon and Wolverine live on connections they hold and release.
    /// </summary>
    public static NpgsqlDataSource Create(string databaseUrl, DatabaseOptions options, string? applicationName = null, int? connectTimeoutSeconds = null)
    {
        var given = new NpgsqlConnectionStringBuilder(ConnectionUrls.ToNpgsql(databaseUrl));
        var connection = new NpgsqlConnectionStringBuilder(given.ConnectionString)
        {
            MaxPoolSize = options.MaxPoolSize,
            MinPoolSize = options.MinPoolSize,
            MaxAutoPrepare = options.MaxAutoPrepare,
            AutoPrepareMinUsages = 2,
            NoResetOnClose = true,
            CommandTimeout = options.CommandTimeoutSeconds,
        };
        if (options.CustomPlans) connection.Options = $"-c {ForceCustomPlans}";
        connection.ApplicationName ??= applicationName ?? options.ApplicationName;
        if (connectTimeoutSeconds is { } timeout && !given.ConnectionString.Contains("Timeout=", StringComparison.OrdinalIgnoreCase)) connection.Timeout = timeout;
        return new NpgsqlDataSourceBuilder(connection.ConnectionString).UseLoggerFactory(CheckoutCounter.Factory).Build();
    }

    /// <summary>Whether the pool was built with <see cref="DatabaseOptions.CustomPlans"/>.</summary>
    public static bool PlansWithParameters(NpgsqlDataSource dataSource) =>
        new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Options?.Contains(ForceCustomPlans, StringComparison.Ordinal) == true;

    private const string ForceCustomPlans = "plan_cache_mode=force_custom_plan";

    /// <summary>The commands that replay long ranges of the log in one process: <see cref="DatabaseOptions.CustomPlans"/>.</summary>
    public static bool ForLogReplay(string[] args) => args is ["projections", ..] or ["recovery", ..];

    public static IServiceCollection AddXyloDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section);
        services.AddSingleton(sp => Create(
            sp.GetRequiredService<IOptions<XyloSecrets>>().Value.DatabaseUrlOrThrow(),
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        // The second, read-only pool (DATABASE_REPLICA_URL) and its lag monitor: the reads that tolerate staleness ask it.
        services.AddSingleton<ReadReplica>();
        services.AddHostedService(sp => sp.GetRequiredService<ReadReplica>());
        return services;
    }
}

/// <summary>
/// <c>xylo_db_connection_checkouts_total</c>: every connection taken from the pool (a logical open), counted from Npgsql's own
/// "opened connection" log event; the bench divides it by the commands of a pass (one per command is the goal).
/// Npgsql's other log events are not wanted here: its failures surface as exceptions that are logged where they are handled.
/// </summary>
internal sealed class CheckoutCounter : ILogger, ILoggerFactory
{
    public static readonly CheckoutCounter Factory = new();

    private static readonly Counter Checkouts = Prometheus.Metrics.CreateCounter("xylo_db_connection_checkouts_total",
        "Connections taken from the PostgreSQL pool (logical opens, not new physical connections).");

    public ILogger CreateLogger(string categoryName) => categoryName == "Npgsql.Connection" ? this : NullLogger.Instance;

    public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Name == "OpenedConnection") Checkouts.Inc();
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
