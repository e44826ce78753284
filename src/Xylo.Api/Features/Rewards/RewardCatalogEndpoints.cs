using Microsoft.AspNetCore.Authorization;
using Marten;
using Wolverine.Http;
using Xylo.Api.Operations.Errors;
using Xylo.Projections.Rewards;

namespace Xylo.Api.Features.Rewards;

public static class RewardCatalogEndpoints
{
    /// <summary>The rewards on offer (retired ones with <c>?includeRetired=true</c>), cheapest first.</summary>
    [WolverineGet("/rewards"), AllowAnonymous]
    public static Task<IReadOnlyList<RewardView>> List(IQuerySession session, bool? includeRetired, CancellationToken cancellation) =>
        session.Query<RewardView>()
            .Where(r => includeRetired == true || !r.Retired)
            .OrderBy(r => r.Cost).ThenBy(r => r.Name)
            .Take(500)
            .ToListAsync(cancellation);

    [WolverineGet("/rewards/{rewardId}"), AllowAnonymous]
    public static async Task<IResult> Get(Guid rewardId, IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<RewardView>(rewardId, cancellation) is { } reward
            ? Results.Ok(reward)
            : Problems.NotFound($"no reward {rewardId}");
}
