using Marten;
using Xylo.Domain.Channels;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

/// <summary>
/// The channel-verified rule, by subscriber tier, paid once per user: for the first channel they verify. Further channels
/// are verified and shown, but earn nothing (each once paid the bonus again, so a fan with many small channels farmed it).
/// The source names the user, not the channel, so the account's own idempotency enforces it.
/// </summary>
public static class ChannelBonusHandler
{
    public static async Task Handle(ChannelVerified verified, IDocumentSession session, EarningRulesCache rules, TimeProvider clock, CancellationToken cancellation)
    {
        var rule = await rules.GetAsync(EarningRule.ChannelVerifiedId, cancellation);
        var account = await LedgerAccount.OpenAsync(session, verified.UserId, cancellation);
        await account.EarnAsync(rule, rule.TierAmount(verified.Subscribers), $"channel:first:{verified.UserId}",
            $"YouTube channel {verified.Title} verified ({verified.Subscribers} subscribers)", null, clock.GetUtcNow(), cancellation);
    }
}
