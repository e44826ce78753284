using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Users;

public static class ReinstateUserEndpoint
{
    [WolverineDelete("/admin/users/{userId}/suspension"), Authorize(Policy = Policies.Admin)]
    public static Task<IResult> Delete(Guid userId, ClaimsPrincipal admin, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        UserCommands.DecideAsync(session, userId,
            user => Suspension.Decide(user, new ReinstateUser(userId, admin.Id().ToString()), clock.GetUtcNow()),
            cancellation);
}
