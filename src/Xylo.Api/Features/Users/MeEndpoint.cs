using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Projections.Users;

namespace Xylo.Api.Features.Users;

public static class MeEndpoint
{
    [WolverineGet("/me"), Authorize]
    public static async Task<IResult> Get(ClaimsPrincipal user, IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<UserProfile>(user.Id(), cancellation) is { } profile
            ? Results.Ok(profile)
            : Problems.NotFound("no profile for this user");
}
