using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Api.Operations.Idempotency;
using Xylo.Domain.Points;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Points;

public sealed record CheckIn(DateOnly Date, long Points, int Streak, long StreakBonus);

public static class CheckInEndpoint
{
    /// <summary>Once per UTC day; every Nth consecutive day adds the streak bonus.</summary>
    [WolverinePost("/me/checkins"), Authorize, Idempotent]
    public static async Task<IResult> Post(ClaimsPrincipal principal, IDocumentSession session, EarningRulesCache rules, TimeProvider clock,
        CancellationToken cancellation)
    {
        var userId = principal.Id();
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var reads = session.CreateBatchQuery();
        var userRead = reads.Load<User>(userId);
        var accountRead = reads.Events.FetchForWriting<PointsAccount>(userId);
        await reads.Execute(cancellation);
        if (EarningDecisions.CanEarn(await userRead).Rejection is { } cannotEarn) return cannotEarn.ToProblem();

        var rule = await rules.GetAsync(EarningRule.DailyCheckInId, cancellation);
        var account = LedgerAccount.Of(session, await accountRead);
        var streak = RuleLimits.StreakIncluding(account.State, today);
        var earned = await account.EarnAsync(rule, rule.Amount, $"checkin:{today:yyyy-MM-dd}",
            $"daily check-in, day {streak} of the streak", null, now, cancellation);
        if (earned.Rejection is { } refused) return refused.ToProblem();
        if (earned.Events is not [PointsEarned credit])
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"already checked in on {today:yyyy-MM-dd} (UTC)");
        }

        long bonus = 0;
        if (rule.StreakEvery is { } every && rule.StreakBonus is { } streakBonus && streak % every == 0
            && await account.EarnAsync(rule, streakBonus, $"checkin-streak:{today:yyyy-MM-dd}", $"{streak}-day check-in streak",
                null, now, cancellation, EarningRule.CheckInStreakRule) is { Events: [PointsEarned awardedBonus] })
        {
            bonus = awardedBonus.Amount;
        }

        return Results.Ok(new CheckIn(today, credit.Amount, streak, bonus));
    }
}
