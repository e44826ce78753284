using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;
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

    public static (Decision?, IResult?) Validate(Guid userId, PlaceHoldRequest request, PointsAccount? account, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(request.Purpose)) return (null, Problems.Invalid("purpose", "is required"));
        if (request.Purpose.Trim().StartsWith(Hold.MintPurposePrefix, StringComparison.Ordinal))
        {
            return (null, Problems.Invalid("purpose", $"'{Hold.MintPurposePrefix}' holds are placed by mints only"));
        }

        if (request.Amount is not { } amount) return (null, Problems.Invalid("amount", "is required"));
        var minutes = request.Minutes ?? DefaultHoldMinutes;
        if (minutes is < 1 or > 1440) return (null, Problems.Invalid("minutes", "must be 1–1440"));

        var now = clock.GetUtcNow();
        var decision = PointsDecisions.Reserve(account, new ReservePoints(userId, Guid.CreateVersion7(), amount, request.Purpose.Trim(), now.AddMinutes(minutes)), now);
        return (decision, decision.Rejection?.ToProblem());
    }

    /// <summary>A mint's hold is the mint's to settle: posting it by hand spent points twice, voiding it gave them back while the NFT stayed minted.</summary>
    public static ProblemDetails? MintsOwn(PointsAccount? account, Guid holdId) =>
        account?.Holds.GetValueOrDefault(holdId) is { HeldByMint: true }
            ? new ProblemDetails { Status = StatusCodes.Status409Conflict, Detail = $"hold {holdId} belongs to a mint and settles with it" }
            : null;

    [WolverinePost("/admin/points/{userId}/holds"), Authorize(Policy = Policies.Awarder)]
    public static (IResult, Events) Place(Guid userId, PlaceHoldRequest request, [WriteAggregate(nameof(userId), Required = false)] PointsAccount? account,
        [NotBody] Decision decision)
    {
        var reserved = decision.Events.OfType<PointsReserved>().Single();
        return (Results.Created($"/admin/points/{userId}/holds/{reserved.HoldId}", new HoldPlaced(reserved.HoldId, reserved.Amount, reserved.ExpiresAt)),
            [.. decision.Events]);
    }
}

public static class PostHoldEndpoint
{
    public static (Decision?, ProblemDetails) Validate(Guid userId, Guid holdId, PointsAccount? account, TimeProvider clock) =>
        HoldEndpoints.MintsOwn(account, holdId) is { } refused ? (null, refused) : PointsDecisions.Post(account, new PostHold(userId, holdId), clock.GetUtcNow()).Checked();

    [WolverinePost("/admin/points/{userId}/holds/{holdId}/post"), Authorize(Policy = Policies.Awarder), EmptyResponse]
    public static Events Post(Guid userId, Guid holdId, [WriteAggregate(nameof(userId), Required = false)] PointsAccount? account, [NotBody] Decision decision) =>
        [.. decision.Events];
}

public static class VoidHoldEndpoint
{
    public static (Decision?, ProblemDetails) Validate(Guid userId, Guid holdId, VoidHoldRequest request, PointsAccount? account, TimeProvider clock) =>
        HoldEndpoints.MintsOwn(account, holdId) is { } refused ? (null, refused) : PointsDecisions.Void(account, new VoidHold(userId, holdId, request.Reason ?? "voided"), clock.GetUtcNow()).Checked();

    [WolverinePost("/admin/points/{userId}/holds/{holdId}/void"), Authorize(Policy = Policies.Awarder), EmptyResponse]
    public static Events Void(Guid userId, Guid holdId, VoidHoldRequest request, [WriteAggregate(nameof(userId), Required = false)] PointsAccount? account,
        [NotBody] Decision decision) => [.. decision.Events];
}
