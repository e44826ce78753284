using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Users;

public sealed record SuspendRequest(string? Reason);

public static class SuspendUserEndpoint
{
    /// <summary>The user's access tokens stop working on their next request; refreshing fails and revokes the session.</summary>
    [WolverinePost("/admin/users/{userId}/suspension"), Authorize(Policy = Policies.Admin)]
    public static Task<IResult> Post(Guid userId, SuspendRequest request, ClaimsPrincipal admin, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        UserCommands.DecideAsync(session, userId,
            user => Suspension.Decide(user, new SuspendUser(userId, request.Reason ?? "", admin.Id().ToString()), clock.GetUtcNow()),
            cancellation);
}
