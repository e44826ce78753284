using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xylo.Api.Hosting;

namespace Xylo.Api.Operations.Health;

/// <summary>
/// The read replica's last measurement: unusable (down, not a replica, too far behind) only degrades readiness, since every
/// read it would serve falls back to the primary.
/// </summary>
public sealed class ReplicaHealthCheck(ReadReplica replica) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (replica.DataSource is null) return Task.FromResult(HealthCheckResult.Healthy("not configured (DATABASE_REPLICA_URL): every read goes to the primary"));
        var state = replica.State;
        return Task.FromResult(replica.Serving
            ? HealthCheckResult.Healthy(state.Description)
            : new HealthCheckResult(context.Registration.FailureStatus, $"replica {state.Description}; reads go to the primary"));
    }
}
