using System.Collections.Concurrent;

namespace Xylo.Api.Features.Admin;

/// <summary>Which projections this node is rebuilding right now.</summary>
public sealed class RebuildRegistry
{
    private readonly ConcurrentDictionary<string, Guid> _running = new(StringComparer.OrdinalIgnoreCase);

    public bool IsRebuilding(string projection) => _running.ContainsKey(projection);

    public bool TryBegin(string projection, Guid job) => _running.TryAdd(projection, job);

    public void End(string projection) => _running.TryRemove(projection, out _);
}
