using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Admin;

public sealed record RebuildAccepted(Guid Id, string Projection, string Status, string Location);

public static class RebuildProjectionEndpoint
{
    /// <summary>Queues a rebuild (202 + Location of its status); the node running the daemon picks it up within a second.</summary>
    [WolverinePost("/admin/projections/{name}/rebuild"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Post(string name, ClaimsPrincipal admin, ProjectionCatalog catalog, IDocumentSession session,
        TimeProvider clock, CancellationToken cancellation)
    {
        if (catalog.Find(name) is not { } entry) return Problems.NotFound($"no projection or subscription named '{name}'");

        var job = new ProjectionRebuild(Guid.CreateVersion7(), entry.Name, ProjectionRebuild.Queued, admin.Id().ToString(), clock.GetUtcNow());
        session.Store(job);
        await session.SaveChangesAsync(cancellation);
        var location = $"/admin/projections/rebuilds/{job.Id}";
        return Results.Accepted(location, new RebuildAccepted(job.Id, job.Projection, job.Status, location));
    }

    /// <summary>Status, events replayed out of the high-water mark at the start (from the shard's progression), and duration.</summary>
    [WolverineGet("/admin/projections/rebuilds/{id}"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, IDocumentStore store, ProjectionCatalog catalog, TimeProvider clock,
        CancellationToken cancellation)
    {
        var job = await session.LoadAsync<ProjectionRebuild>(id, cancellation);
        if (job is null) return Problems.NotFound($"no rebuild {id}");

        var processed = job.ProcessedEvents;
        if (job.Status == ProjectionRebuild.Running && catalog.Find(job.Projection) is { } entry)
        {
            var progress = await store.Advanced.AllProjectionProgress(token: cancellation);
            var positions = progress.Where(p => entry.Shards.Contains(p.ShardName)).Select(p => p.Sequence).ToList();
            processed = positions.Count > 0 ? positions.Min() : 0;
        }

        return Results.Ok(RebuildStatus.Of(job, processed, clock.GetUtcNow()));
    }
}
