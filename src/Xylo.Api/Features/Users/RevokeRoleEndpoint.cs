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

public static class RevokeRoleEndpoint
{
    public static (Decision, ProblemDetails) Validate(Guid userId, string role, User user, ClaimsPrincipal admin, TimeProvider clock) =>
        ChangeRoles.Decide(user, new RevokeRole(userId, role, admin.Id().ToString()), clock.GetUtcNow()).Checked();

    [WolverineDelete("/admin/users/{userId}/roles/{role}"), Authorize(Policy = Policies.Admin), EmptyResponse]
    public static Events Delete(Guid userId, string role, [WriteAggregate(nameof(userId), OnMissing = OnMissing.ProblemDetailsWith404, MissingMessage = UserEndpoints.Missing)] User user,
        [NotBody] Decision decision) => [.. decision.Events];
}
