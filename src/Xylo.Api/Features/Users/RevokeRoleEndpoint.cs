using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Users;

public static class RevokeRoleEndpoint
{
    [WolverineDelete("/admin/users/{userId}/roles/{role}"), Authorize(Policy = Policies.Admin)]
    public static Task<IResult> Delete(Guid userId, string role, ClaimsPrincipal admin, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        UserCommands.DecideAsync(session, userId,
            user => ChangeRoles.Decide(user, new RevokeRole(userId, role, admin.Id().ToString()), clock.GetUtcNow()),
            cancellation);
}
