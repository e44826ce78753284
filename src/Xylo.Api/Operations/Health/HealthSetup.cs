using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xylo.Api.Chain;
using Npgsql;

namespace Xylo.Api.Operations.Health;

public static class HealthSetup
{
    private const string Ready = "ready";

    /// <summary>
    /// PostgreSQL down is Unhealthy (503); Redis down or an async projection falling behind is Degraded
    /// (200): the API keeps serving without them. So is the chain unreachable or unconfigured: mints wait,
    /// the rest is served.
    /// </summary>
    public static IServiceCollection AddXyloHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddNpgSql(sp => sp.GetRequiredService<NpgsqlDataSource>(),
                name: "postgresql", failureStatus: HealthStatus.Unhealthy, tags: [Ready], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, [Ready], TimeSpan.FromSeconds(2))
            .AddCheck<ProjectionDaemonHealthCheck>("projections", HealthStatus.Degraded, [Ready], TimeSpan.FromSeconds(3))
            .AddCheck<ChainHealthCheck>("chain", HealthStatus.Degraded, [Ready], TimeSpan.FromSeconds(3));
        services.AddHostedService<ProjectionLagMetrics>();
        return services;
    }

    public static IEndpointRouteBuilder MapXyloHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson })
            .WithName("Liveness").DisableRateLimiting();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteJson,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).WithName("Readiness").DisableRateLimiting();
        return endpoints;
    }

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        }, cancellationToken: context.RequestAborted);
    }
}
