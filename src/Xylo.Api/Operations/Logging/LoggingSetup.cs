using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Operations.Logging;

public static class LoggingSetup
{
    /// <summary>Compact JSON to the console, logs/combined.log and logs/error.log (errors only), secrets redacted.</summary>
    public static WebApplicationBuilder AddXyloLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var directory = configuration["Logs:Directory"] is { Length: > 0 } dir ? dir : "logs";
            var formatter = new RedactingFormatter(new CompactJsonFormatter(), XyloSecrets.From(configuration).SensitiveStrings());
            const long fileSizeLimit = 50L * 1024 * 1024;

            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                .ReadFrom.Configuration(configuration)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", "xylo-api")
                .WriteTo.File(formatter, Path.Combine(directory, "combined.log"),
                    fileSizeLimitBytes: fileSizeLimit, rollOnFileSizeLimit: true, retainedFileCountLimit: 10)
                .WriteTo.Logger(errors => errors
                    .Filter.ByExcluding(IsClientMistake)
                    .WriteTo.File(formatter, Path.Combine(directory, "error.log"), restrictedToMinimumLevel: LogEventLevel.Error,
                        fileSizeLimitBytes: fileSizeLimit, rollOnFileSizeLimit: true, retainedFileCountLimit: 10));
            if (configuration.GetValue("Logs:Console", true)) logger.WriteTo.Console(formatter);
        });
        return builder;
    }

    /// <summary>
    /// Wolverine logs a client's malformed JSON at Error level although the client got a 400: it stays in
    /// combined.log, but error.log is for what an operator must act on.
    /// </summary>
    private static bool IsClientMistake(LogEvent logEvent) =>
        logEvent.MessageTemplate.Text.StartsWith("Error trying to deserialize JSON from incoming HTTP body", StringComparison.Ordinal);

    /// <summary>One line per request: method, path, route template, status, elapsed, correlation id.</summary>
    public static IApplicationBuilder UseXyloRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} ({Route}) responded {StatusCode} in {Elapsed:0.0} ms";
            options.EnrichDiagnosticContext = (diagnostics, context) => diagnostics.Set("Route", RouteLabel.Of(context));
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics") ? LogEventLevel.Debug
                : LogEventLevel.Information;
        });
}
