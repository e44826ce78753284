using System.Diagnostics;
using Prometheus;

namespace Xylo.Api.Operations.Metrics;

/// <summary>
/// <c>db_query_duration_seconds</c> from Npgsql's own command activities: every command Marten and
/// Wolverine send is timed by the driver, not by us.
/// </summary>
public static class DatabaseMetrics
{
    private static readonly Histogram QueryDuration = Prometheus.Metrics.CreateHistogram(
        "db_query_duration_seconds", "PostgreSQL command time as measured by Npgsql.",
        new HistogramConfiguration
        {
            LabelNames = ["operation"],
            Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        });

    private static readonly Lazy<ActivityListener> Listener = new(() =>
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => QueryDuration.WithLabels(OperationOf(activity)).Observe(activity.Duration.TotalSeconds),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    });

    public static void EnsureListening() => _ = Listener.Value;

    public static string OperationOf(Activity activity)
    {
        var statement = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string;
        if (statement is null) return "other";

        var text = statement.AsSpan().TrimStart();
        var end = text.IndexOfAny(' ', '\n', '\t');
        var verb = (end < 0 ? text : text[..end]).ToString().ToLowerInvariant();
        return verb switch
        {
            "select" or "insert" or "update" or "delete" => verb,
            "with" => "select",
            _ => "other",
        };
    }
}
