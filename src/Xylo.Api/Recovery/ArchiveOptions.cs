namespace Xylo.Api.Recovery;

/// <summary>
/// <c>Archive:*</c>: where the continuous archive goes and how often a segment closes (the RPO on total
/// database loss is roughly <see cref="SegmentAge"/> plus <see cref="Tick"/> plus the daemon's lag).
/// </summary>
public sealed record ArchiveOptions(bool Enabled, string Directory, TimeSpan SegmentAge, int SegmentEvents)
{
    public static ArchiveOptions From(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Archive");
        // Test hosts share one database; only the tests that are about the archive turn it on.
        var enabled = section.GetValue("Enabled", !environment.IsEnvironment("Testing"));
        // One spelling per directory: the location keys the archive's lock and head row.
        var directory = Path.TrimEndingDirectorySeparator(section["Directory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : Path.Combine(environment.ContentRootPath, ".local", environment.EnvironmentName.ToLowerInvariant(), "archive"));
        return new ArchiveOptions(
            enabled,
            directory,
            TimeSpan.FromSeconds(section.GetValue("SegmentSeconds", 1.0)),
            section.GetValue("SegmentEvents", 10_000));
    }

    /// <summary>How often the ticker looks at the open segment: a quarter of its age, between 100 ms and 1 s.</summary>
    public TimeSpan Tick => TimeSpan.FromTicks(Math.Clamp(SegmentAge.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(1).Ticks));
}
