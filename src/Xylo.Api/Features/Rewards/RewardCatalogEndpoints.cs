using Microsoft.AspNetCore.Authorization;
using Marten;
using Wolverine.Http;
using Xylo.Api.Hosting;
using Xylo.Api.Operations.Errors;
using Xylo.Projections.Rewards;

namespace Xylo.Api.Features.Rewards;

public static class RewardCatalogEndpoints
{
    /// <summary>This read's name in <c>xylo_db_replica_reads_total</c>.</summary>
    public const string Read = "rewards";

    /// <summary>The rewards on offer (retired ones with <c>?includeRetired=true</c>), cheapest first.</summary>
    /// <remarks>
    /// Browsing the catalog tolerates the replica's bounded staleness; one reward by id does not (it is where a new reward's
    /// Location points, read right after its creation), so <see cref="Get"/> reads the primary.
    /// </remarks>
    [WolverineGet("/rewards"), AllowAnonymous]
    public static Task<IReadOnlyList<RewardView>> List(ReadReplica replica, bool? includeRetired, CancellationToken cancellation) =>
        replica.QueryAsync(Read, session => session.Query<RewardView>()
            .Where(r => includeRetired == true || !r.Retired)
            .OrderBy(r => r.Cost).ThenBy(r => r.Name)
            .Take(500)
            .ToListAsync(cancellation), cancellation);

    [WolverineGet("/rewards/{rewardId}"), AllowAnonymous]
    public static async Task<IResult> Get(Guid rewardId, IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<RewardView>(rewardId, cancellation) is { } reward
            ? Results.Ok(reward)
            : Problems.NotFound($"no reward {rewardId}");
}
