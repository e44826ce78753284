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

public sealed record RoleRequest(string? Role);

public static class GrantRoleEndpoint
{
    public static (Decision, ProblemDetails) Validate(Guid userId, RoleRequest request, User user, ClaimsPrincipal admin, TimeProvider clock) =>
        ChangeRoles.Decide(user, new GrantRole(userId, request.Role ?? "", admin.Id().ToString()), clock.GetUtcNow()).Checked();

    [WolverinePost("/admin/users/{userId}/roles"), Authorize(Policy = Policies.Admin), EmptyResponse]
    public static Events Post(Guid userId, RoleRequest request, [WriteAggregate(nameof(userId), OnMissing = OnMissing.ProblemDetailsWith404, MissingMessage = UserEndpoints.Missing)] User user,
        [NotBody] Decision decision) => [.. decision.Events];
}
