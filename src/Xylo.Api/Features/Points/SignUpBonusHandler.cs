using Marten;
using Xylo.Domain.Points;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Points;

/// <summary>The sign-up rule, fired from <see cref="UserRegistered"/> through the durable rules queue.</summary>
public static class SignUpBonusHandler
{
    public static async Task Handle(UserRegistered registered, IDocumentSession session, EarningRulesCache rules, TimeProvider clock, CancellationToken cancellation)
    {
        var rule = await rules.GetAsync(EarningRule.SignUpId, cancellation);
        var account = await LedgerAccount.OpenAsync(session, registered.UserId, cancellation);
        await account.EarnAsync(rule, rule.Amount, $"signup:{registered.UserId}", "welcome bonus", null, clock.GetUtcNow(), cancellation);
    }
}
