using Microsoft.AspNetCore.Authorization;
using System.Security.Claims;
using Marten;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Hosting;
using Xylo.Api.Operations.Errors;
using Xylo.Projections.Points;
using Xylo.Projections.Users;

namespace Xylo.Api.Features.Points;

public sealed record LeaderboardPlace(long Rank, Guid UserId, string? Handle, long Points);

public sealed record Leaderboard(string Period, string Key, IReadOnlyList<LeaderboardPlace> Top, LeaderboardPlace? You, string ServedFrom);

public static class LeaderboardEndpoint
{
    public const int MaxTop = 100;

    /// <summary>Points earned, all time (<c>period=all</c>), this UTC month or this ISO week; the caller's own place when signed in.</summary>
    [WolverineGet("/leaderboard"), AllowAnonymous]
    public static async Task<IResult> Get(string? period, int? top, ClaimsPrincipal user, LeaderboardCache cache, ReadReplica replica,
        TimeProvider clock, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        string? key = (period ?? "all") switch
        {
            "all" => LeaderboardPeriods.AllTime,
            "month" => LeaderboardPeriods.Month(now),
            "week" => LeaderboardPeriods.Week(now),
            _ => null,
        };
        if (key is null) return Problems.Invalid("period", "must be all, month or week");

        Guid? caller = user.Identity?.IsAuthenticated == true ? user.Id() : null;
        var (snapshot, fromRedis) = await cache.ReadAsync(key, Math.Clamp(top ?? 10, 1, MaxTop), caller, cancellation);
        var ids = snapshot.Top.Select(r => r.UserId).Append(caller ?? Guid.Empty).Distinct().ToArray();
        var handles = (await replica.QueryAsync(LeaderboardCache.Read, session => session.LoadManyAsync<UserProfile>(cancellation, ids), cancellation))
            .ToDictionary(p => p.Id, p => p.Handle);
        LeaderboardPlace Place(LeaderboardRow row) => new(row.Rank, row.UserId, handles.GetValueOrDefault(row.UserId), row.Points);

        return Results.Ok(new Leaderboard(period ?? "all", key, snapshot.Top.Select(Place).ToList(),
            snapshot.Caller is { } me ? Place(me) : null, fromRedis ? "redis" : "database"));
    }
}
