using System.Diagnostics;
using Prometheus;
using Xylo.Api.Operations.Logging;

namespace Xylo.Api.Operations.Metrics;

/// <summary>The guide's HTTP metrics, labelled by method, route template and status code.</summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next)
{
    private static readonly string[] Labels = ["method", "route", "status_code"];

    private static readonly Histogram Duration = Prometheus.Metrics.CreateHistogram(
        "http_request_duration_seconds", "API response time.",
        new HistogramConfiguration
        {
            LabelNames = Labels,
            Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
        });

    private static readonly Counter Requests = Prometheus.Metrics.CreateCounter(
        "http_request_total", "HTTP requests handled.", new CounterConfiguration { LabelNames = Labels });

    private static readonly Counter Errors = Prometheus.Metrics.CreateCounter(
        "http_request_errors_total", "HTTP requests that ended in a server error (status >= 500).",
        new CounterConfiguration { LabelNames = Labels });

    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal)
    {
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var method = KnownMethods.Contains(context.Request.Method) ? context.Request.Method : "OTHER";
            var status = failed && !context.Response.HasStarted ? 500 : context.Response.StatusCode;
            string[] labels = [method, RouteLabel.Of(context), status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            Duration.WithLabels(labels).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            Requests.WithLabels(labels).Inc();
            if (status >= 500) Errors.WithLabels(labels).Inc();
        }
    }
}
