using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Admin;

public static class PauseProjectionEndpoint
{
    /// <summary>
    /// Stops an async shard (it drains its current page first). The stopped agent stays registered, so
    /// Marten's coordinator does not restart it; it resumes on <c>/resume</c> or when the daemon restarts
    /// (a node restart or a leadership change).
    /// </summary>
    [WolverinePost("/admin/projections/{name}/pause"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Pause(string name, ProjectionCatalog catalog, CancellationToken cancellation)
    {
        if (Check(name, catalog) is { } problem) return problem;
        var shards = catalog.Find(name)!.Value.Shards;
        foreach (var agent in catalog.Daemon.CurrentAgents().Where(a => shards.Contains(a.Name.Identity)))
        {
            await agent.StopAndDrainAsync(cancellation);
            if (agent is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }

        return Results.Ok(await StatusAsync(name, catalog, cancellation));
    }

    [WolverinePost("/admin/projections/{name}/resume"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Resume(string name, ProjectionCatalog catalog, CancellationToken cancellation)
    {
        if (Check(name, catalog) is { } problem) return problem;
        foreach (var shard in catalog.Find(name)!.Value.Shards) await catalog.Daemon.StartAgentAsync(shard, cancellation);
        return Results.Ok(await StatusAsync(name, catalog, cancellation));
    }

    private static IResult? Check(string name, ProjectionCatalog catalog)
    {
        if (catalog.Find(name) is not { } entry) return Problems.NotFound($"no projection or subscription named '{name}'");
        if (entry.Lifecycle == ProjectionCatalog.Inline)
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"'{entry.Name}' is inline: it runs inside every write and cannot be paused");
        if (!catalog.DaemonRunsHere)
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: "the projection daemon runs on another node (HotCold); send this to that node");
        return null;
    }

    private static async Task<ProjectionStatus> StatusAsync(string name, ProjectionCatalog catalog, CancellationToken cancellation) =>
        (await catalog.ReportAsync(cancellation)).Projections.Single(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
