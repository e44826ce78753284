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
    /// the rest is served; and so is the read replica down or behind: its reads go to the primary.
    /// </summary>
    public static IServiceCollection AddXyloHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddNpgSql(sp => sp.GetRequiredService<NpgsqlDataSource>(),
                name: "postgresql", failureStatus: HealthStatus.Unhealthy, tags: [Ready], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, [Ready], TimeSpan.FromSeconds(2))
            .AddCheck<ProjectionDaemonHealthCheck>("projections", HealthStatus.Degraded, [Ready], TimeSpan.FromSeconds(3))
            .AddCheck<ChainHealthCheck>("chain", HealthStatus.Degraded, [Ready], TimeSpan.FromSeconds(3))
            .AddCheck<ReplicaHealthCheck>("replica", HealthStatus.Degraded, [Ready], TimeSpan.FromSeconds(1));
        services.AddHostedService<ProjectionLagMetrics>();
        services.AddSingleton<ReadinessCache>();
        return services;
    }

    public static IEndpointRouteBuilder MapXyloHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson })
            .WithName("Liveness").DisableRateLimiting().AllowAnonymous();
        // Readiness calls PostgreSQL, Redis and the (paid) chain RPC: one report serves every caller for a few seconds, so
        // polling, however frequent and from however many load balancers, cannot multiply those calls.
        endpoints.MapGet("/health/ready", async (HttpContext context, ReadinessCache readiness) =>
            {
                var report = await readiness.GetAsync(context.RequestAborted);
                context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
                await WriteJson(context, report);
            })
            .WithName("Readiness").AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>
    /// The last readiness report, kept <c>Health:ReadinessCacheSeconds</c> (5 by default); concurrent callers share one run
    /// of the checks.
    /// </summary>
    public sealed class ReadinessCache(HealthCheckService checks, TimeProvider clock, IConfiguration configuration)
    {
        public const string LifetimeSetting = "Health:ReadinessCacheSeconds";

        private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(configuration.GetValue(LifetimeSetting, 5.0));
        private readonly Lock _gate = new();
        private (Task<HealthReport> Report, DateTimeOffset At)? _last;

        public Task<HealthReport> GetAsync(CancellationToken cancellation)
        {
            lock (_gate)
            {
                var now = clock.GetUtcNow();
                if (_last is { } last && (!last.Report.IsCompleted || now - last.At < _lifetime)) return last.Report.WaitAsync(cancellation);

                var report = checks.CheckHealthAsync(check => check.Tags.Contains(Ready), CancellationToken.None);
                _last = (report, now);
                return report.WaitAsync(cancellation);
            }
        }
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
