using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Api.Operations.Idempotency;
using Xylo.Domain.Rewards;
using Xylo.Projections.Rewards;

namespace Xylo.Api.Features.Rewards;

public sealed record CreateRewardRequest(
    string? Name,
    string? Description,
    string? MetadataUri,
    long? Cost,
    int? Supply,
    DateTimeOffset? AvailableFrom,
    DateTimeOffset? AvailableUntil);

public static class CreateRewardEndpoint
{
    [WolverinePost("/admin/rewards"), Authorize(Policy = Policies.Admin), Idempotent]
    public static async Task<IResult> Post(CreateRewardRequest request, ClaimsPrincipal admin, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var rewardId = Guid.CreateVersion7();
        var decision = RewardDecisions.Create(new CreateReward(rewardId, request.Name, request.Description, request.MetadataUri, request.Cost,
            request.Supply, request.AvailableFrom, request.AvailableUntil, admin.Id().ToString()), clock.GetUtcNow());
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        session.Events.StartStream<Reward>(rewardId, decision.Events);
        await session.SaveChangesAsync(cancellation);
        return Results.Created($"/rewards/{rewardId}", await session.LoadAsync<RewardView>(rewardId, cancellation));
    }
}
