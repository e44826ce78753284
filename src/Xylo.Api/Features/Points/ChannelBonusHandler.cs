using Marten;
using Xylo.Domain.Channels;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

/// <summary>The channel-verified rule, by subscriber tier; once per channel and user.</summary>
public static class ChannelBonusHandler
{
    public static async Task Handle(ChannelVerified verified, IDocumentSession session, EarningRulesCache rules, TimeProvider clock, CancellationToken cancellation)
    {
        var rule = await rules.GetAsync(EarningRule.ChannelVerifiedId, cancellation);
        var account = await LedgerAccount.OpenAsync(session, verified.UserId, cancellation);
        await account.EarnAsync(rule, rule.TierAmount(verified.Subscribers), $"channel:{verified.ChannelId}:{verified.UserId}",
            $"YouTube channel {verified.Title} verified ({verified.Subscribers} subscribers)", null, clock.GetUtcNow(), cancellation);
    }
}
