using System.Collections.Concurrent;
using JasperFx;
using JasperFx.Events.Daemon;
using Marten;

namespace Xylo.Api.Features.Admin;

/// <summary>An admin's pause of an async projection or subscription (id: its name), kept until resumed.</summary>
public sealed record ProjectionPause(string Id, string PausedBy, DateTimeOffset PausedAt);

/// <summary>
/// Pauses asked for on any node: recorded in the database, so they hold across a restart or a move of the daemon to
/// another node, and applied by the node that runs the daemon (at once when that is the node asked, else within a poll
/// of <see cref="RebuildRunner"/>).
/// </summary>
public sealed class ProjectionPauses(IDocumentStore store, ProjectionCatalog catalog, IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, byte> _pausedHere = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>How long a node that does not run the daemon waits for the one that does to apply a pause or a resume.</summary>
    private TimeSpan ForwardWait => TimeSpan.FromSeconds(configuration.GetValue("Admin:PauseForwardSeconds", 15));

    /// <summary>
    /// Makes this node's agents match the recorded pauses when it runs the daemon: paused shards stopped (a stopped agent
    /// stays registered, so the coordinator does not restart it), shards this node paused and nobody pauses any more started.
    /// </summary>
    public async Task ApplyAsync(CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            if (!catalog.DaemonRunsHere)
            {
                _pausedHere.Clear();
                return;
            }

            await using var session = store.QuerySession();
            var wanted = (await session.Query<ProjectionPause>().ToListAsync(cancellation)).Select(p => p.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var name in wanted)
            {
                if (catalog.Find(name) is not { Lifecycle: ProjectionCatalog.Async } entry) continue;
                foreach (var agent in catalog.Daemon.CurrentAgents().Where(a => entry.Shards.Contains(a.Name.Identity) && a.Status == AgentStatus.Running))
                {
                    await agent.StopAndDrainAsync(cancellation);
                    if (agent is IAsyncDisposable disposable) await disposable.DisposeAsync();
                }

                _pausedHere[entry.Name] = 0;
            }

            foreach (var name in _pausedHere.Keys.Where(n => !wanted.Contains(n)).ToList())
            {
                if (catalog.Find(name) is { } entry)
                {
                    foreach (var shard in entry.Shards) await catalog.Daemon.StartAgentAsync(shard, cancellation);
                }

                _pausedHere.TryRemove(name, out _);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// After a pause or resume was recorded: applies it here, or waits (bounded) until the node running the daemon has,
    /// and answers the projection's status as it is then.
    /// </summary>
    public async Task<ProjectionStatus> SettleAsync(string name, bool paused, CancellationToken cancellation)
    {
        var deadline = DateTimeOffset.UtcNow + ForwardWait;
        while (true)
        {
            if (catalog.DaemonRunsHere) await ApplyAsync(cancellation);
            var status = (await catalog.ReportAsync(cancellation)).Projections.Single(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            var settled = status.Shards.All(s => paused ? s.State != "running" : s.State == "running");
            if (settled || DateTimeOffset.UtcNow >= deadline) return status;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
        }
    }
}
