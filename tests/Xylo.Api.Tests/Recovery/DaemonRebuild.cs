using Marten;

namespace Xylo.Api.Tests.Recovery;

/// <summary>
/// Every projection of a store rebuilt by Marten's daemon (its pages, its folds, its writes), all at once: the reference
/// the one-pass replay (<see cref="Xylo.Api.Recovery.LogReplay"/>) is checked against. The product rebuilds with the replay.
/// </summary>
public static class DaemonRebuild
{
    public static async Task RebuildAllAsync(DocumentStore store, CancellationToken cancellation)
    {
        var names = store.Options.Projections.All.Select(p => p.Name).ToList();
        using var daemon = await store.BuildProjectionDaemonAsync();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = names.Count, CancellationToken = cancellation },
            async (name, ct) => await daemon.RebuildProjectionAsync(name, TimeSpan.FromMinutes(5), ct));
        await daemon.StopAllAsync();
    }
}
