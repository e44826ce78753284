using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Points;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Points;

public sealed record MyReferralCode(string Code);

public sealed record RedeemReferralRequest(string? Code);

public sealed record ReferralRedeemed(Guid ReferrerId, long RefereePoints, long ReferrerPoints);

public static class ReferralEndpoints
{
    [WolverineGet("/me/referral"), Authorize]
    public static MyReferralCode Get(ClaimsPrincipal principal, IDocumentSession session)
    {
        var userId = principal.Id();
        var code = new ReferralCode(ReferralCode.For(userId), userId);
        session.Store(code);
        return new MyReferralCode(code.Id);
    }

    /// <summary>The referee redeems a code once in their life; both sides are credited in one transaction.</summary>
    [WolverinePost("/me/referral"), Authorize]
    public static async Task<IResult> Post(RedeemReferralRequest request, ClaimsPrincipal principal, IDocumentSession session, EarningRulesCache rules, TimeProvider clock, CancellationToken cancellation)
    {
        var code = request.Code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code) || code.Length > 32) return Problems.Invalid("code", "is required");

        var refereeId = principal.Id();
        var referral = await session.LoadAsync<ReferralCode>(code, cancellation);
        if (referral is null) return Problems.NotFound($"no referral code {code}");
        if (referral.UserId == refereeId) return Problems.Invalid("code", "you cannot refer yourself");
        if (EarningDecisions.CanEarn(await session.LoadAsync<User>(refereeId, cancellation)).Rejection is { } cannotEarn) return cannotEarn.ToProblem();

        var now = clock.GetUtcNow();
        var rule = await rules.GetAsync(EarningRule.ReferralId, cancellation);
        var referee = await LedgerAccount.OpenAsync(session, refereeId, cancellation);
        var refereeEarned = await referee.EarnAsync(rule, rule.Amount, "referral:referee", $"joined with code {code}", null, now, cancellation);
        if (refereeEarned.Rejection is { } refused) return refused.ToProblem();
        if (refereeEarned.Events is not [PointsEarned refereeCredit])
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: "you have already redeemed a referral code");
        }

        var referrer = await LedgerAccount.OpenAsync(session, referral.UserId, cancellation);
        var referrerEarned = await referrer.EarnAsync(rule, rule.Amount, $"referral:{refereeId}", $"referred user {refereeId}", null, now, cancellation);
        return Results.Ok(new ReferralRedeemed(referral.UserId, refereeCredit.Amount, referrerEarned.Events is [PointsEarned referrerCredit] ? referrerCredit.Amount : 0));
    }
}
