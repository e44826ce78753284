using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain;
using Xylo.Domain.Rewards;
using Xylo.Projections.Rewards;

namespace Xylo.Api.Features.Rewards;

public static class RetireRewardEndpoint
{
    public static Task<RewardView?> LoadAsync(Guid rewardId, IDocumentSession session, CancellationToken cancellation) =>
        session.LoadAsync<RewardView>(rewardId, cancellation);

    public static (Decision, ProblemDetails) Validate(Reward? reward, ClaimsPrincipal admin, TimeProvider clock) =>
        RewardDecisions.Retire(reward, admin.Id().ToString(), clock.GetUtcNow()).Checked();

    /// <summary>A retired reward takes no new mints; mints already requested finish. Answers the catalog entry as it is after the retirement.</summary>
    [WolverinePost("/admin/rewards/{rewardId}/retirement"), Authorize(Policy = Policies.Admin)]
    public static (RewardView?, Events) Post(Guid rewardId, [WriteAggregate(nameof(rewardId), Required = false)] Reward? reward,
        [NotBody] Decision decision, [NotBody] RewardView? view) =>
        (decision.Events.OfType<RewardRetired>().Aggregate(view, (current, retired) => RewardViewProjection.Apply(retired, current!)), [.. decision.Events]);
}
