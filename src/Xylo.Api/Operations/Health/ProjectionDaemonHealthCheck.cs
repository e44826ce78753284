using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xylo.Api.Features.Admin;

namespace Xylo.Api.Operations.Health;

/// <summary>
/// The async projections and subscriptions run and keep up: a shard that is stopped or paused is named,
/// and so is one further behind the high-water mark than allowed. Degraded, not unhealthy: writes and the
/// inline views keep working while a view catches up. Also publishes the lag as metrics (as <see cref="ProjectionLagMetrics"/> does on a timer).
/// </summary>
public sealed class ProjectionDaemonHealthCheck(ProjectionCatalog catalog, IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var maxLag = configuration.GetValue("Health:MaxProjectionLagEvents", 1000L);
        var report = await catalog.ReportAsync(cancellationToken);
        var shards = ProjectionLagMetrics.Publish(report);
        var problems = new List<string>();
        foreach (var shard in shards)
        {
            if (shard.State is "stopped" or "paused") problems.Add($"{shard.Shard} is {shard.State}");
            else if (shard.LagEvents > maxLag) problems.Add($"{shard.Shard} is {shard.LagEvents} events behind");
        }

        var where = report.DaemonRunsHere ? "the daemon runs on this node" : "the daemon runs on another node";
        return problems.Count == 0
            ? HealthCheckResult.Healthy($"high-water mark {report.HighWaterMark}; {shards.Count} async shard(s) running within {maxLag} events; {where}")
            : new HealthCheckResult(context.Registration.FailureStatus, $"{string.Join("; ", problems)} ({where})");
    }
}
