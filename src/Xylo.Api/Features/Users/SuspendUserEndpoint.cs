using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;
using Wolverine.Persistence;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Users;

public sealed record SuspendRequest(string? Reason);

public static class SuspendUserEndpoint
{
    public static (Decision, ProblemDetails) Validate(Guid userId, SuspendRequest request, User user, ClaimsPrincipal admin, TimeProvider clock) =>
        Suspension.Decide(user, new SuspendUser(userId, request.Reason ?? "", admin.Id().ToString()), clock.GetUtcNow()).Checked();

    /// <summary>The user's access tokens stop working on their next request; refreshing fails and revokes the session.</summary>
    [WolverinePost("/admin/users/{userId}/suspension"), Authorize(Policy = Policies.Admin), EmptyResponse]
    public static Events Post(Guid userId, SuspendRequest request, [WriteAggregate(nameof(userId), OnMissing = OnMissing.ProblemDetailsWith404, MissingMessage = UserEndpoints.Missing)] User user,
        [NotBody] Decision decision) => [.. decision.Events];
}
