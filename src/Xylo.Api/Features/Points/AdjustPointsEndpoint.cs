using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

public sealed record AdjustmentRequest(long? Amount, string? Reason);

public static class AdjustPointsEndpoint
{
    /// <summary>A correction is a new event with its reason, never an edit: + credits a lot, − deducts first-to-expire.</summary>
    [WolverinePost("/admin/points/{userId}/adjustments"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Post(Guid userId, AdjustmentRequest request, ClaimsPrincipal admin, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(request.Reason)) return Problems.Invalid("reason", "is required");
        if (request.Amount is not { } amount || amount == 0) return Problems.Invalid("amount", "must be a non-zero whole number");

        var now = clock.GetUtcNow();
        var by = admin.Id().ToString();
        var source = $"adjustment:{Guid.CreateVersion7():N}";
        var account = await LedgerAccount.OpenAsync(session, userId, cancellation);
        var decision = amount > 0
            ? PointsDecisions.Earn(account.State, new EarnPoints(userId, Guid.CreateVersion7(), amount, "adjustment", source, request.Reason.Trim(), by, null), now)
            : PointsDecisions.Deduct(account.State, new DeductPoints(userId, -amount, request.Reason.Trim(), by, source), now);
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        account.Append(decision);
        return Results.NoContent();
    }
}
