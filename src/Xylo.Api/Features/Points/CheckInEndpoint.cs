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
        if (await userRead is { Suspended: true })
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "a suspended user cannot earn points");
        }

        var rule = await rules.GetAsync(EarningRule.DailyCheckInId, cancellation);
        var account = LedgerAccount.Of(session, await accountRead);
        var streak = RuleLimits.StreakIncluding(account.State, today);
        var outcome = await account.AwardAsync(rule, rule.Amount, $"checkin:{today:yyyy-MM-dd}",
            $"daily check-in, day {streak} of the streak", null, now, cancellation);

        switch (outcome)
        {
            case AwardOutcome.AlreadyAwarded:
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"already checked in on {today:yyyy-MM-dd} (UTC)");
            case AwardOutcome.Refused refused:
                return refused.Why.ToProblem();
        }

        long bonus = 0;
        if (rule.StreakEvery is { } every && rule.StreakBonus is { } streakBonus && streak % every == 0
            && await account.AwardAsync(rule, streakBonus, $"checkin-streak:{today:yyyy-MM-dd}", $"{streak}-day check-in streak",
                null, now, cancellation, EarningRule.CheckInStreakRule) is AwardOutcome.Awarded awardedBonus)
        {
            bonus = awardedBonus.Amount;
        }

        return Results.Ok(new CheckIn(today, ((AwardOutcome.Awarded)outcome).Amount, streak, bonus));
    }
}
