using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Xylo.Api.Operations.Health;

/// <summary>
/// The async projections keep up: each one's progress against the event store's high-water mark. A
/// projection that is not running shows up as growing lag. Degraded, not unhealthy: writes and the
/// inline views keep working while a view catches up. Also publishes the lag as metrics.
/// </summary>
public sealed class ProjectionDaemonHealthCheck(IDocumentStore store, IConfiguration configuration) : IHealthCheck
{
    private static readonly Gauge LagEvents = Prometheus.Metrics.CreateGauge("xylo_projection_lag_events",
        "Events an async projection is behind the high-water mark.", new GaugeConfiguration { LabelNames = ["projection"] });

    private static readonly Gauge LagSeconds = Prometheus.Metrics.CreateGauge("xylo_projection_lag_seconds",
        "Seconds since a lagging async projection last advanced (0 when caught up).", new GaugeConfiguration { LabelNames = ["projection"] });

    private static readonly string[] Bookkeeping = ["HighWaterMark", "HighWaterAllocationFence"];

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var maxLag = configuration.GetValue("Health:MaxProjectionLagEvents", 1000L);
        var states = await store.Advanced.AllProjectionProgress(token: cancellationToken);
        var highWater = states.FirstOrDefault(s => s.ShardName == "HighWaterMark")?.Sequence ?? 0;
        var shards = states.Where(s => !Bookkeeping.Contains(s.ShardName)).ToList();
        var lagging = new List<string>();
        foreach (var shard in shards)
        {
            var lag = Math.Max(0, highWater - shard.Sequence);
            LagEvents.WithLabels(shard.ShardName).Set(lag);
            LagSeconds.WithLabels(shard.ShardName).Set(lag > 0 && shard.LastUpdated is { } at ? (DateTimeOffset.UtcNow - at).TotalSeconds : 0);
            if (lag > maxLag) lagging.Add($"{shard.ShardName} is {lag} events behind");
        }

        return lagging.Count == 0
            ? HealthCheckResult.Healthy($"high-water mark {highWater}; {shards.Count} async projection(s) within {maxLag} events")
            : new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", lagging));
    }
}
