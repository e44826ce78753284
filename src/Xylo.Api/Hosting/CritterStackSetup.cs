using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Http;
using Wolverine.Marten;
using Xylo.Api.EventLog;
using Xylo.Api.Features.Admin;
using Xylo.Api.Features.Audit;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Mints;
using Xylo.Api.Features.Points;
using Xylo.Api.Features.Vault;
using Xylo.Api.Features.Wallets;
using Xylo.Api.Operations.Errors;
using Xylo.Api.Operations.Logging;
using Xylo.Api.Operations.Idempotency;
using Xylo.Api.Recovery;
using Xylo.Projections;

namespace Xylo.Api.Hosting;

public static class CritterStackSetup
{
    public const string Schema = "xylo";

    /// <summary>
    /// Marten (event store + documents, schema xylo) and Wolverine (durable local queues, PostgreSQL
    /// inbox/outbox in the same database, transactions applied automatically).
    /// </summary>
    public static WebApplicationBuilder AddXyloCritterStack(this WebApplicationBuilder builder)
    {
        var startup = StartupOptions.From(builder.Configuration, builder.Environment);
        builder.Services.AddXyloDatabase();
        var marten = builder.Services.AddMarten(sp =>
            {
                var configuration = sp.GetRequiredService<IConfiguration>();
                var options = new StoreOptions().ConfigureXyloStore(sp.GetRequiredService<NpgsqlDataSource>());
                options.Logger(new MartenFailureLog(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Marten")));
                if (ArchiveOptions.From(configuration, builder.Environment).Enabled)
                {
                    options.Projections.Subscribe(new ArchiveSubscription(sp.GetRequiredService<ArchiveWriter>()));
                    options.Storage.Add(new ArchiveSchema(options, Schema));
                }

                // Without the start's migration the schema is db-apply's: a session neither checks nor creates tables.
                if (!startup.ApplyDatabaseChanges) options.AutoCreateSchemaObjects = AutoCreate.None;
                return options;
            })
            .UseLightweightSessions()
            .AddAsyncDaemon(DaemonMode.HotCold)
            .AddSubscriptionWithServices<AuditChainSubscription>(ServiceLifetime.Singleton);
        if (startup.ApplyDatabaseChanges) marten.ApplyAllDatabaseChangesOnStartup();
        marten.IntegrateWithWolverine();

        builder.Host.UseWolverine(options =>
        {
            options.ApplicationAssembly = typeof(Program).Assembly;
            options.ServiceName = "xylo-api";
            options.Policies.AutoApplyTransactions();
            // Events appended on behalf of a signed-in caller record who it was (Marten's user_name: the user id).
            options.EnableRelayOfUserName = true;
            options.Policies.UseDurableLocalQueues();
            options.Policies.UseDurableInboxOnAllListeners();
            options.Policies.UseDurableOutboxOnAllSendingEndpoints();
            // A delayed message on a durable local queue (the mint pipeline's next receipt poll, DelayedFor
            // Mints:PollIntervalMilliseconds) waits in the inbox for this poller: its 5 s default stretched a 1 s poll
            // to up to 5 s per step (bench mints: broadcast→mined p50 2.8 s on 1 s blocks).
            options.Durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(1);
            // Several nodes on one database: a node that stops heartbeating (killed, cut off) is ejected after
            // Cluster:NodeStaleSeconds plus two beats, and its durable inbox (queued mint steps, notices) goes to the nodes
            // left. Wolverine's defaults (a beat every 10 s, stale after 60 s) left a killed node's chain work idle ~80 s.
            options.Durability.HealthCheckPollingTime = TimeSpan.FromSeconds(builder.Configuration.GetValue("Cluster:HeartbeatSeconds", 5.0));
            options.Durability.StaleNodeTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Cluster:NodeStaleSeconds", 20.0));
            // Two handlers appending to one stream at once (a rule firing while its user acts, two steps of one
            // mint): the loser retries against the new version, and its decision finds the work done or redoes it.
            options.OnException<JasperFx.ConcurrencyException>().RetryWithCooldown(
                TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
            // Wolverine's own tables: migrated at start, or only checked for (db-apply created them).
            options.AutoBuildMessageStorageOnStartup = startup.ApplyDatabaseChanges ? AutoCreate.CreateOrUpdate : AutoCreate.None;
            options.CodeGeneration.TypeLoadMode = startup.TypeLoadMode;
            // Code compiled at run time stays in memory: a test host's own endpoints must not land in src/.
            options.CodeGeneration.SourceCodeWritingEnabled = false;
            if (startup.GeneratedCodeOutputPath is { } path) options.CodeGeneration.GeneratedCodeOutputPath = path;
            // Roslyn is loaded only where code is compiled at run time.
            if (startup.TypeLoadMode != TypeLoadMode.Static) options.UseRuntimeCompilation();
        });
        builder.Services.AddWolverineHttp();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Everything the event store and its read models need, for any connection and schema: the API uses
    /// schema xylo; restores and point-in-time views build the same store elsewhere.
    /// </summary>
    public static StoreOptions ConfigureXyloStore(this StoreOptions options, NpgsqlDataSource dataSource, string schema = Schema)
    {
        options.Connection(dataSource);
        // A session keeps the first connection it opens until it is disposed: a command's reads and its commit share one
        // checkout from the pool instead of one per statement.
        options.UseStickyConnectionLifetimes = true;
        options.DatabaseSchemaName = schema;
        options.Events.DatabaseSchemaName = schema;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;
        // Agent status, heartbeat and node per shard in mt_event_progression: any node can tell
        // whether the daemon (running on one node under HotCold) is running, paused or stopped.
        options.Events.EnableExtendedProgressionTracking = true;
        // How soon the daemon sees an append (mints wait for the MintWork subscription, the archive for its own): after
        // a page it looks again in FastPollingTime; caught up, or waiting for a transaction that took a lower sequence
        // and has not committed yet (every burst of concurrent appends), in SlowPollingTime, whose default of 1 s was
        // most of a mint's 2.4 s from request to signature. A look is one small query on the daemon's node.
        options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
        options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);
        options.AddXyloProjections(XyloDatabase.PlansWithParameters(dataSource));
        options.AddAuthDocuments();
        options.AddWalletDocuments();
        options.AddPointsDocuments();
        options.AddMintDocuments();
        options.AddVaultDocuments();
        options.AddIdempotencyDocuments();
        options.AddXyloAudit(schema);
        options.AddAdminDocuments();
        return options;
    }

    public static WebApplication MapXyloEndpoints(this WebApplication app)
    {
        app.MapWolverineEndpoints(options =>
        {
            options.MapConcurrencyFailuresToConflict();
            options.AddPolicy<RequiredBodyPolicy>();
            options.AddMiddleware(typeof(CorrelationIdOnEvents),
                chain => chain.Method.Method.GetParameters().Any(p => p.ParameterType == typeof(IDocumentSession)));
        });
        return app;
    }
}
