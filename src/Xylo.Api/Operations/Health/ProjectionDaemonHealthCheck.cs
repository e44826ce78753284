using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;
using Xylo.Api.Features.Admin;

namespace Xylo.Api.Operations.Health;

/// <summary>
/// The async projections and subscriptions run and keep up: a shard that is stopped or paused is named,
/// and so is one further behind the high-water mark than allowed. Degraded, not unhealthy: writes and the
/// inline views keep working while a view catches up. Also publishes the lag as metrics.
/// </summary>
public sealed class ProjectionDaemonHealthCheck(ProjectionCatalog catalog, IConfiguration configuration) : IHealthCheck
{
    private static readonly Gauge LagEvents = Prometheus.Metrics.CreateGauge("xylo_projection_lag_events",
        "Events an async projection is behind the high-water mark.", new GaugeConfiguration { LabelNames = ["projection"] });

    private static readonly Gauge LagSeconds = Prometheus.Metrics.CreateGauge("xylo_projection_lag_seconds",
        "Seconds between the newest event and the last one a lagging async projection processed (0 when caught up).",
        new GaugeConfiguration { LabelNames = ["projection"] });

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var maxLag = configuration.GetValue("Health:MaxProjectionLagEvents", 1000L);
        var report = await catalog.ReportAsync(cancellationToken);
        var shards = report.Projections.Where(p => p.Lifecycle == ProjectionCatalog.Async).SelectMany(p => p.Shards).ToList();
        var problems = new List<string>();
        foreach (var shard in shards)
        {
            LagEvents.WithLabels(shard.Shard).Set(shard.LagEvents);
            LagSeconds.WithLabels(shard.Shard).Set(shard.LagSeconds);
            if (shard.State is "stopped" or "paused") problems.Add($"{shard.Shard} is {shard.State}");
            else if (shard.LagEvents > maxLag) problems.Add($"{shard.Shard} is {shard.LagEvents} events behind");
        }

        var where = report.DaemonRunsHere ? "the daemon runs on this node" : "the daemon runs on another node";
        return problems.Count == 0
            ? HealthCheckResult.Healthy($"high-water mark {report.HighWaterMark}; {shards.Count} async shard(s) running within {maxLag} events; {where}")
            : new HealthCheckResult(context.Registration.FailureStatus, $"{string.Join("; ", problems)} ({where})");
    }
}
