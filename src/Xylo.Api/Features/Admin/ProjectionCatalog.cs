using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Xylo.Api.EventLog;

namespace Xylo.Api.Features.Admin;

public sealed record ShardStatus(string Shard, long Sequence, long LagEvents, double LagSeconds, string State, DateTimeOffset? LastUpdated);

public sealed record ProjectionStatus(string Name, string Kind, string Lifecycle, long HighWaterMark, IReadOnlyList<ShardStatus> Shards);

public sealed record ProjectionsReport(long HighWaterMark, bool DaemonRunsHere, IReadOnlyList<ProjectionStatus> Projections);

/// <summary>
/// Every projection and subscription Marten knows, with its shards' positions from mt_event_progression and
/// their state. Under HotCold the daemon runs on one node: that node answers from its live agents, any
/// other node from the agent status the leader records beside each shard's progress.
/// </summary>
public sealed class ProjectionCatalog(IDocumentStore store, IProjectionCoordinator coordinator, EventLogDatabase log, RebuildRegistry rebuilds)
{
    public const string Inline = "inline";
    public const string Async = "async";
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(30);

    private StoreOptions Options => (StoreOptions)store.Options;

    public IProjectionDaemon Daemon => coordinator.DaemonForMainDatabase();

    /// <summary>This node holds the daemon's leadership (or runs it solo): shards can be paused, resumed and rebuilt here.</summary>
    public bool DaemonRunsHere => Daemon.IsRunning || Daemon.CurrentAgents().Count > 0;

    /// <summary>Projections by name (inline and async), then subscriptions; null when nothing has that name.</summary>
    public (string Name, string Kind, string Lifecycle, IReadOnlyList<string> Shards)? Find(string name) =>
        Entries().FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found ? found : null;

    public IReadOnlyList<(string Name, string Kind, string Lifecycle, IReadOnlyList<string> Shards)> Entries()
    {
        var asyncShards = Options.Projections.AllShards().Select(s => s.Name).ToList();
        var projections = Options.Projections.All
            .Select(p => (p.Name, Kind: "projection",
                Lifecycle: p.Lifecycle == ProjectionLifecycle.Inline ? Inline : Async,
                Shards: (IReadOnlyList<string>)ShardsOf(p.Name, asyncShards, p.Lifecycle)))
            .ToList();
        var subscriptions = asyncShards.Where(s => projections.All(p => p.Name != s.Name)).GroupBy(s => s.Name)
            .Select(g => (g.Key, Kind: "subscription", Lifecycle: Async, Shards: (IReadOnlyList<string>)g.Select(s => s.Identity).ToList()));
        return [.. projections, .. subscriptions];
    }

    public async Task<ProjectionsReport> ReportAsync(CancellationToken cancellation)
    {
        var progress = (await store.Advanced.AllProjectionProgress(token: cancellation)).ToDictionary(s => s.ShardName);
        var highWater = progress.TryGetValue("HighWaterMark", out var mark) ? mark.Sequence : 0;
        // The time of each position, for the lag in seconds, in one statement.
        var timestamps = await log.TimestampsAtAsync(progress.Values.Select(s => s.Sequence).Append(highWater), cancellation);
        DateTimeOffset? highWaterAt = timestamps.TryGetValue(highWater, out var at) ? at : null;
        var leads = DaemonRunsHere;
        var agents = Daemon.CurrentAgents().ToDictionary(a => a.Name.Identity);

        var report = new List<ProjectionStatus>();
        foreach (var (name, kind, lifecycle, shards) in Entries())
        {
            var rebuilding = rebuilds.IsRebuilding(name);
            var statuses = new List<ShardStatus>();
            foreach (var shard in shards)
            {
                if (lifecycle == Inline)
                {
                    // Inline projections are written in the appending transaction: always at the high-water mark.
                    statuses.Add(new ShardStatus(shard, highWater, 0, 0, rebuilding ? "rebuilding" : "inline", null));
                    continue;
                }

                progress.TryGetValue(shard, out var state);
                var sequence = state?.Sequence ?? 0;
                var lag = Math.Max(0, highWater - sequence);
                var lagSeconds = lag == 0 || highWaterAt is null ? 0
                    : (highWaterAt.Value - (timestamps.TryGetValue(sequence, out var shardAt) ? shardAt : highWaterAt.Value)).TotalSeconds;
                statuses.Add(new ShardStatus(shard, sequence, lag, Math.Round(Math.Max(0, lagSeconds), 3),
                    rebuilding ? "rebuilding" : StateOf(shard, leads, agents, state), state?.LastUpdated));
            }

            report.Add(new ProjectionStatus(name, kind, lifecycle, highWater, statuses));
        }

        return new ProjectionsReport(highWater, leads, report);
    }

    private string StateOf(string shard, bool leads, Dictionary<string, ISubscriptionAgent> agents, ShardState? recorded)
    {
        if (ShardName.TryParse(shard, out var parsed) && parsed is not null && Daemon.IsRebuilding(parsed)) return "rebuilding";
        if (leads)
        {
            return agents.TryGetValue(shard, out var agent)
                // A shard paused by an admin keeps its stopped agent, so the coordinator does not restart it;
                // one paused by Marten after failures is retried by the coordinator.
                ? agent.Status == AgentStatus.Running ? "running" : "paused"
                : "stopped";
        }

        // Another node leads: trust what it recorded, as long as its heartbeat is recent.
        var fresh = recorded?.LastHeartbeat is { } beat && DateTimeOffset.UtcNow - beat < HeartbeatTimeout;
        return (fresh ? recorded!.AgentStatus?.ToLowerInvariant() : null) switch
        {
            "running" => "running",
            "paused" => "paused",
            _ => "stopped",
        };
    }

    private static List<string> ShardsOf(string name, List<ShardName> asyncShards, ProjectionLifecycle lifecycle)
    {
        var shards = asyncShards.Where(s => s.Name == name).Select(s => s.Identity).ToList();
        return shards.Count > 0 || lifecycle == ProjectionLifecycle.Async ? shards : [$"{name}:All"];
    }
}
