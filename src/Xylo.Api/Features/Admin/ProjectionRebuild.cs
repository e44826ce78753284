namespace Xylo.Api.Features.Admin;

/// <summary>A rebuild an admin asked for: queued until the node running the daemon claims it.</summary>
public sealed record ProjectionRebuild(
    Guid Id,
    string Projection,
    string Status,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    long TotalEvents = 0,
    long ProcessedEvents = 0,
    string? Error = null)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>What <c>GET /admin/projections/rebuilds/{id}</c> shows: status, progress (events, events/s, time left) and duration.</summary>
public sealed record RebuildStatus(
    Guid Id,
    string Projection,
    string Status,
    long ProcessedEvents,
    long TotalEvents,
    double? Percent,
    double? DurationSeconds,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    double? EventsPerSecond = null,
    double? EtaSeconds = null)
{
    public static RebuildStatus Of(ProjectionRebuild job, long processed, DateTimeOffset now)
    {
        var done = Math.Min(processed, job.TotalEvents);
        var duration = job.StartedAt is { } started ? ((job.FinishedAt ?? now) - started).TotalSeconds : (double?)null;
        double? rate = duration is > 0 && done > 0 ? Math.Round(done / duration.Value, 1) : null;
        double? eta = job.Status == ProjectionRebuild.Running && rate is > 0 ? Math.Round((job.TotalEvents - done) / rate.Value, 1) : null;
        return new RebuildStatus(job.Id, job.Projection, job.Status, done, job.TotalEvents,
            job.TotalEvents == 0 ? null : Math.Round(100.0 * done / job.TotalEvents, 1),
            duration is { } d ? Math.Round(d, 3) : null, job.RequestedAt, job.StartedAt, job.FinishedAt, job.Error, rate, eta);
    }
}
