using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;

namespace Xylo.Api.Features.Admin;

public static class ProjectionsEndpoint
{
    /// <summary>Every projection and subscription: lifecycle, shards, positions against the high-water mark, lag, state.</summary>
    [WolverineGet("/admin/projections"), Authorize(Policy = Policies.Admin)]
    public static Task<ProjectionsReport> Get(ProjectionCatalog catalog, CancellationToken cancellation) =>
        catalog.ReportAsync(cancellation);
}
