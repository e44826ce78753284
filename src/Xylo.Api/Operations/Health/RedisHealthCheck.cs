using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Xylo.Api.Operations.Health;

/// <summary>Pings Redis through the application's own multiplexer (the connection requests actually use).</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis unreachable: the API serves from PostgreSQL, slower", ex);
        }
    }
}
