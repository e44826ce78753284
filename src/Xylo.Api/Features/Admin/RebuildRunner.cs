using Marten;

namespace Xylo.Api.Features.Admin;

/// <summary>
/// Runs queued rebuilds, one at a time, on the node that runs the daemon (HotCold: the leader; other nodes
/// leave the job queued for it). A claim is a version-checked update, so two nodes never run one job.
/// Projections are rebuilt through Marten's daemon (teardown, replay to the high-water mark, then the
/// continuous shard restarts from there); subscriptions are rewound to the start of the log. Each poll also applies
/// the pauses recorded by any node (<see cref="ProjectionPauses"/>).
/// </summary>
public sealed partial class RebuildRunner(IDocumentStore store, ProjectionCatalog catalog, RebuildRegistry running, ProjectionPauses pauses,
    TimeProvider clock, IConfiguration configuration, ILogger<RebuildRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(configuration.GetValue("Admin:RebuildPollMilliseconds", 500));
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (catalog.DaemonRunsHere && await ClaimNextAsync(stoppingToken) is { } job) await RunAsync(job, stoppingToken);
                await pauses.ApplyAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(logger, ex);
            }
        }
    }

    private async Task<ProjectionRebuild?> ClaimNextAsync(CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        var next = await session.Query<ProjectionRebuild>().Where(j => j.Status == ProjectionRebuild.Queued)
            .OrderBy(j => j.RequestedAt).FirstOrDefaultAsync(cancellation);
        if (next is null) return null;

        var claimed = next with
        {
            Status = ProjectionRebuild.Running,
            StartedAt = clock.GetUtcNow(),
            TotalEvents = catalog.Daemon.HighWaterMark(),
        };
        session.Store(claimed);
        try
        {
            await session.SaveChangesAsync(cancellation);
            return claimed;
        }
        catch (JasperFx.ConcurrencyException)
        {
            return null;
        }
    }

    private async Task RunAsync(ProjectionRebuild job, CancellationToken cancellation)
    {
        var entry = catalog.Find(job.Projection);
        ProjectionRebuild finished;
        if (entry is null || !running.TryBegin(entry.Value.Name, job.Id))
        {
            finished = job with { Status = ProjectionRebuild.Failed, FinishedAt = clock.GetUtcNow(), Error = "unknown projection, or a rebuild of it is already running" };
        }
        else
        {
            LogStarted(logger, job.Projection, job.Id, job.TotalEvents);
            try
            {
                if (entry.Value.Kind == "subscription")
                    await catalog.Daemon.RewindSubscriptionAsync(entry.Value.Name, cancellation, 0);
                else
                {
                    await catalog.Daemon.RebuildProjectionAsync(entry.Value.Name, TimeSpan.FromMinutes(30), cancellation);
                    // The rebuild leaves its finished agent registered, so the coordinator would not restart the
                    // shard: resume continuous processing from where the replay ended.
                    if (entry.Value.Lifecycle == ProjectionCatalog.Async)
                    {
                        foreach (var shard in entry.Value.Shards) await catalog.Daemon.StartAgentAsync(shard, cancellation);
                    }
                }
                finished = job with { Status = ProjectionRebuild.Succeeded, FinishedAt = clock.GetUtcNow(), ProcessedEvents = job.TotalEvents };
                LogSucceeded(logger, job.Projection, job.Id, job.TotalEvents, (finished.FinishedAt - job.StartedAt)!.Value.TotalSeconds);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellation.IsCancellationRequested)
            {
                finished = job with { Status = ProjectionRebuild.Failed, FinishedAt = clock.GetUtcNow(), Error = ex.Message };
                LogFailed(logger, ex, job.Projection, job.Id);
            }
            finally
            {
                running.End(entry.Value.Name);
            }
        }

        // Loading first gives the session the version the optimistic check expects (this node owns the claim).
        await using var session = store.LightweightSession();
        await session.LoadAsync<ProjectionRebuild>(job.Id, CancellationToken.None);
        session.Store(finished);
        await session.SaveChangesAsync(CancellationToken.None);
    }

    [LoggerMessage(LogLevel.Information, "Rebuild {RebuildId} of projection {Projection} started ({TotalEvents} events to replay)")]
    private static partial void LogStarted(ILogger logger, string projection, Guid rebuildId, long totalEvents);

    [LoggerMessage(LogLevel.Information, "Rebuild {RebuildId} of projection {Projection} succeeded: {TotalEvents} events in {Seconds:0.0} s")]
    private static partial void LogSucceeded(ILogger logger, string projection, Guid rebuildId, long totalEvents, double seconds);

    [LoggerMessage(LogLevel.Error, "Rebuild {RebuildId} of projection {Projection} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string projection, Guid rebuildId);

    [LoggerMessage(LogLevel.Error, "The projection rebuild runner failed a round; queued rebuilds stay queued")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
