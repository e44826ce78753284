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

public static class ReinstateUserEndpoint
{
    public static (Decision, ProblemDetails) Validate(Guid userId, User user, ClaimsPrincipal admin, TimeProvider clock) =>
        Suspension.Decide(user, new ReinstateUser(userId, admin.Id().ToString()), clock.GetUtcNow()).Checked();

    [WolverineDelete("/admin/users/{userId}/suspension"), Authorize(Policy = Policies.Admin), EmptyResponse]
    public static Events Delete(Guid userId, [WriteAggregate(nameof(userId), OnMissing = OnMissing.ProblemDetailsWith404, MissingMessage = UserEndpoints.Missing)] User user,
        [NotBody] Decision decision) => [.. decision.Events];
}
