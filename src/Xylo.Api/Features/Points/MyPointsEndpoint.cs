using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

public sealed record PointsSummary(long Available, long Held, long Earned, long Spent, long Expired, long? NextExpiryAmount, DateTimeOffset? NextExpiryAt);

/// <summary>Read from the points account's inline snapshot, the one document the ledger keeps per fan.</summary>
public static class MyPointsEndpoint
{
    [WolverineGet("/me/points"), Authorize]
    public static async Task<PointsSummary> Get(ClaimsPrincipal user, IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<PointsAccount>(user.Id(), cancellation) is { } balance
            ? new PointsSummary(balance.Available, balance.Held, balance.Earned, balance.Spent, balance.Expired, balance.NextExpiryAmount, balance.NextExpiryAt)
            : new PointsSummary(0, 0, 0, 0, 0, null, null);
}
