using Microsoft.Extensions.Options;
using Prometheus;
using Xylo.Api.External.YouTube;
using Xylo.Api.Operations.Caching;
using Xylo.Api.Operations.Configuration;
using Xylo.Api.Operations.Errors;
using Xylo.Api.Operations.Health;
using Xylo.Api.Operations.Idempotency;
using Xylo.Api.Operations.Logging;
using Xylo.Api.Operations.Metrics;
using Xylo.Api.Operations.OpenApi;
using Xylo.Api.Operations.RateLimiting;
using Xylo.Api.Operations.Security;
using Xylo.Api.OperatorConsole;

namespace Xylo.Api.Operations;

public static class OperationsSetup
{
    /// <summary>Configuration checks, logs, metrics, health, errors, rate limits, Redis and the API description.</summary>
    public static WebApplicationBuilder AddXyloOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<XyloSecrets>()
            .Configure<IConfiguration>((secrets, configuration) => secrets.ReadFrom(configuration))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<XyloSecrets>, XyloSecretsValidator>();

        builder.AddXyloLogging();
        builder.Services.AddXyloProblemDetails();
        builder.Services.AddXyloRedis();
        builder.Services.AddXyloHealth();
        builder.Services.AddXyloRateLimiting();
        builder.Services.AddXyloRequestBounds();
        builder.Services.AddXyloIdempotency();
        builder.Services.AddYouTubeClient();
        builder.Services.AddXyloOpenApi();
        DatabaseMetrics.EnsureListening();
        return builder;
    }

    /// <summary>The request pipeline, outermost first.</summary>
    public static WebApplication UseXyloOperations(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseXyloRequestLogging();
        app.UseMiddleware<HttpMetricsMiddleware>();
        app.UseXyloSecurityHeaders();
        app.UseNoStoreForTokens();
        app.UseXyloRequestBounds();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseXyloOperatorConsole();
        app.UseRateLimiter();
        app.UseRequestTimeouts();

        app.MapXyloHealth();
        // Anonymous for Prometheus, but within the operations limit of RateLimitingSetup (nginx keeps it off the public edge).
        app.MapMetrics("/metrics").AllowAnonymous();
        app.MapXyloApiReference();
        return app;
    }
}
