using Prometheus;
using Xylo.Api.Features.Admin;

namespace Xylo.Api.Operations.Health;

/// <summary>
/// <c>xylo_projection_lag_events</c> / <c>xylo_projection_lag_seconds</c> per async shard, published on a timer
/// (<c>Metrics:ProjectionLagInterval</c>, 15 s) so the alerts see the lag whether or not anything calls
/// <c>/health/ready</c>; the readiness check publishes the same figures when it runs.
/// </summary>
public sealed partial class ProjectionLagMetrics(ProjectionCatalog catalog, IConfiguration configuration, TimeProvider clock,
    ILogger<ProjectionLagMetrics> logger) : BackgroundService
{
    private static readonly Gauge LagEvents = Prometheus.Metrics.CreateGauge("xylo_projection_lag_events",
        "Events an async projection is behind the high-water mark.", new GaugeConfiguration { LabelNames = ["projection"] });

    private static readonly Gauge LagSeconds = Prometheus.Metrics.CreateGauge("xylo_projection_lag_seconds",
        "Seconds between the newest event and the last one a lagging async projection processed (0 when caught up).",
        new GaugeConfiguration { LabelNames = ["projection"] });

    /// <summary>Sets both gauges for each async shard of <paramref name="report"/>; returns those shards.</summary>
    public static IReadOnlyList<ShardStatus> Publish(ProjectionsReport report)
    {
        var shards = report.Projections.Where(p => p.Lifecycle == ProjectionCatalog.Async).SelectMany(p => p.Shards).ToList();
        foreach (var shard in shards)
        {
            LagEvents.WithLabels(shard.Shard).Set(shard.LagEvents);
            LagSeconds.WithLabels(shard.Shard).Set(shard.LagSeconds);
        }

        return shards;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Metrics:ProjectionLagInterval", TimeSpan.FromSeconds(15));
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                Publish(await catalog.ReportAsync(stoppingToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the projection lag for /metrics failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
