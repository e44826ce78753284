using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Wolverine.Marten;
using Wolverine.Persistence;
using Xylo.Api.Features.Users;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain;
using Xylo.Domain.Points;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Points;

public sealed record AdjustmentRequest(long? Amount, string? Reason);

public static class AdjustPointsEndpoint
{
    public static (Decision?, IResult?) Validate(Guid userId, AdjustmentRequest request, PointsAccount? account, ClaimsPrincipal admin, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(request.Reason)) return (null, Problems.Invalid("reason", "is required"));
        if (request.Amount is not { } amount || amount == 0) return (null, Problems.Invalid("amount", "must be a non-zero whole number"));

        var now = clock.GetUtcNow();
        var by = admin.Id().ToString();
        var source = $"adjustment:{Guid.CreateVersion7():N}";
        var decision = amount > 0
            ? PointsDecisions.Earn(account, new EarnPoints(userId, Guid.CreateVersion7(), amount, "adjustment", source, request.Reason.Trim(), by, null), now)
            : PointsDecisions.Deduct(account, new DeductPoints(userId, -amount, request.Reason.Trim(), by, source), now);
        return (decision, decision.Rejection?.ToProblem());
    }

    /// <summary>
    /// A correction is a new event with its reason, never an edit: + credits a lot, − deducts first-to-expire. Only a user's
    /// account can be corrected (an unknown id once opened a points stream that nobody owns).
    /// </summary>
    [WolverinePost("/admin/points/{userId}/adjustments"), Authorize(Policy = Policies.Admin), EmptyResponse]
    public static Events Post(Guid userId, AdjustmentRequest request,
        [Entity(nameof(userId), OnMissing = OnMissing.ProblemDetailsWith404, MissingMessage = UserEndpoints.Missing)] User user,
        [WriteAggregate(nameof(userId), Required = false)] PointsAccount? account, [NotBody] Decision decision) => [.. decision.Events];
}
