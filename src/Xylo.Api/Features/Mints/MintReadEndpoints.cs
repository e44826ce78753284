using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Users;
using Xylo.Projections.Mints;

namespace Xylo.Api.Features.Mints;

public static class MintReadEndpoints
{
    [WolverineGet("/me/mints"), Authorize]
    public static Task<IReadOnlyList<MintView>> Mine(ClaimsPrincipal principal, IQuerySession session, CancellationToken cancellation) =>
        session.Query<MintView>()
            .Where(m => m.UserId == principal.Id())
            .OrderByDescending(m => m.RequestedAt)
            .Take(200)
            .ToListAsync(cancellation);

    /// <summary>Visible to its owner and to admins; anyone else gets the same 404 as for a mint that does not exist.</summary>
    [WolverineGet("/mints/{mintId}"), Authorize]
    public static async Task<IResult> Get(Guid mintId, ClaimsPrincipal principal, IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<MintView>(mintId, cancellation) is { } mint && (mint.UserId == principal.Id() || principal.IsInRole(Roles.Admin))
            ? Results.Ok(mint)
            : Problems.NotFound($"no mint {mintId}");
}
