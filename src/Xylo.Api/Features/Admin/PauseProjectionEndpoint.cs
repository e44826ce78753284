using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Admin;

public static class PauseProjectionEndpoint
{
    /// <summary>
    /// Stops an async shard (it drains its current page first) until <c>/resume</c>, on whichever node runs it: the pause
    /// is recorded, applied at once when the daemon runs on the node asked and otherwise by the node that runs it (this
    /// node answers once it has, or after <c>Admin:PauseForwardSeconds</c> with the state as it is then). A recorded pause
    /// holds across restarts and a move of the daemon to another node.
    /// </summary>
    [WolverinePost("/admin/projections/{name}/pause"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Pause(string name, ClaimsPrincipal admin, ProjectionCatalog catalog, ProjectionPauses pauses,
        IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        if (Check(name, catalog) is { } problem) return problem;
        var entry = catalog.Find(name)!.Value;
        session.Store(new ProjectionPause(entry.Name, admin.Id().ToString(), clock.GetUtcNow()));
        await session.SaveChangesAsync(cancellation);
        return Results.Ok(await pauses.SettleAsync(entry.Name, paused: true, cancellation));
    }

    [WolverinePost("/admin/projections/{name}/resume"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Resume(string name, ProjectionCatalog catalog, ProjectionPauses pauses, IDocumentSession session,
        CancellationToken cancellation)
    {
        if (Check(name, catalog) is { } problem) return problem;
        var entry = catalog.Find(name)!.Value;
        session.Delete<ProjectionPause>(entry.Name);
        await session.SaveChangesAsync(cancellation);
        return Results.Ok(await pauses.SettleAsync(entry.Name, paused: false, cancellation));
    }

    private static IResult? Check(string name, ProjectionCatalog catalog)
    {
        if (catalog.Find(name) is not { } entry) return Problems.NotFound($"no projection or subscription named '{name}'");
        if (entry.Lifecycle == ProjectionCatalog.Inline)
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"'{entry.Name}' is inline: it runs inside every write and cannot be paused");
        return null;
    }
}
