using System.Diagnostics;
using Marten;
using Marten.Schema;

namespace Xylo.Api.Recovery;

/// <summary>Rebuilds every projection of a store, inline and async alike, with the daemon's rebuild.</summary>
public static class ProjectionRebuilder
{
    public static async Task<TimeSpan> RebuildAllAsync(DocumentStore store, Action<string> progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var daemon = await store.BuildProjectionDaemonAsync();
        foreach (var name in ProjectionNames(store))
        {
            var started = clock.Elapsed;
            await daemon.RebuildProjectionAsync(name, TimeSpan.FromMinutes(30), cancellation);
            progress($"rebuilt {name} in {(clock.Elapsed - started).TotalSeconds:F1} s");
        }

        await daemon.StopAllAsync();
        return clock.Elapsed;
    }

    public static IReadOnlyList<string> ProjectionNames(DocumentStore store) =>
        store.Options.Projections.All.Select(p => p.Name).ToList();

    /// <summary>The document tables projections write: what a restore must reproduce.</summary>
    public static IReadOnlyList<string> ReadModelTables(DocumentStore store) =>
        store.Options.Projections.All.SelectMany(p => p.PublishedTypes())
            .Select(t => new DocumentMapping(t, store.Options).TableName.Name)
            .Distinct().Order(StringComparer.Ordinal).ToList();
}
