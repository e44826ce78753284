using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Rewards;
using Xylo.Projections.Rewards;

namespace Xylo.Api.Features.Rewards;

public static class RetireRewardEndpoint
{
    /// <summary>A retired reward takes no new mints; mints already requested finish.</summary>
    [WolverinePost("/admin/rewards/{rewardId}/retirement"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Post(Guid rewardId, ClaimsPrincipal admin, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Reward>(rewardId, cancellation);
        var decision = RewardDecisions.Retire(stream.Aggregate, admin.Id().ToString(), clock.GetUtcNow());
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        stream.AppendMany(decision.Events);
        await session.SaveChangesAsync(cancellation);
        return Results.Ok(await session.LoadAsync<RewardView>(rewardId, cancellation));
    }
}
