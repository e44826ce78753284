using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Users;

public sealed record RoleRequest(string? Role);

public static class GrantRoleEndpoint
{
    [WolverinePost("/admin/users/{userId}/roles"), Authorize(Policy = Policies.Admin)]
    public static Task<IResult> Post(Guid userId, RoleRequest request, ClaimsPrincipal admin, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        UserCommands.DecideAsync(session, userId,
            user => ChangeRoles.Decide(user, new GrantRole(userId, request.Role ?? "", admin.Id().ToString()), clock.GetUtcNow()),
            cancellation);
}
