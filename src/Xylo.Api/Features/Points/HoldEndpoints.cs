using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

public sealed record PlaceHoldRequest(long? Amount, string? Purpose, int? Minutes);

public sealed record HoldPlaced(Guid HoldId, long Amount, DateTimeOffset ExpiresAt);

public sealed record VoidHoldRequest(string? Reason);

/// <summary>
/// Two-phase spending (reserve, then post or void exactly once), exposed for operations and
/// integrations; mints use the same decisions internally. A hold not posted in time is released.
/// </summary>
public static class HoldEndpoints
{
    public const int DefaultHoldMinutes = 15;

    [WolverinePost("/admin/points/{userId}/holds"), Authorize(Policy = Policies.Awarder)]
    public static async Task<IResult> Place(Guid userId, PlaceHoldRequest request, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(request.Purpose)) return Problems.Invalid("purpose", "is required");
        if (request.Amount is not { } amount) return Problems.Invalid("amount", "is required");
        var minutes = request.Minutes ?? DefaultHoldMinutes;
        if (minutes is < 1 or > 1440) return Problems.Invalid("minutes", "must be 1–1440");

        var now = clock.GetUtcNow();
        var holdId = Guid.CreateVersion7();
        var account = await LedgerAccount.OpenAsync(session, userId, cancellation);
        var decision = PointsDecisions.Reserve(account.State, new ReservePoints(userId, holdId, amount, request.Purpose.Trim(), now.AddMinutes(minutes)), now);
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        account.Append(decision);
        return Results.Created($"/admin/points/{userId}/holds/{holdId}", new HoldPlaced(holdId, amount, now.AddMinutes(minutes)));
    }

    [WolverinePost("/admin/points/{userId}/holds/{holdId}/post"), Authorize(Policy = Policies.Awarder)]
    public static Task<IResult> Post(Guid userId, Guid holdId, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        DecideAsync(session, userId, (account, now) => PointsDecisions.Post(account, new PostHold(userId, holdId), now), clock, cancellation);

    [WolverinePost("/admin/points/{userId}/holds/{holdId}/void"), Authorize(Policy = Policies.Awarder)]
    public static Task<IResult> Void(Guid userId, Guid holdId, VoidHoldRequest request, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        DecideAsync(session, userId, (account, now) => PointsDecisions.Void(account, new VoidHold(userId, holdId, request.Reason ?? "voided"), now), clock, cancellation);

    private static async Task<IResult> DecideAsync(IDocumentSession session, Guid userId, Func<PointsAccount?, DateTimeOffset, Decision> decide,
        TimeProvider clock, CancellationToken cancellation)
    {
        var account = await LedgerAccount.OpenAsync(session, userId, cancellation);
        var decision = decide(account.State, clock.GetUtcNow());
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        account.Append(decision);
        return Results.NoContent();
    }
}
