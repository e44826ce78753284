using Marten;
using Xylo.Api.Features.Points;
using Xylo.Api.Features.Rewards;
using Xylo.Domain;
using Xylo.Domain.Mints;
using Xylo.Domain.Points;
using Xylo.Domain.Rewards;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// What a mint's end does to the other streams, in the same transaction as the mint's own event:
/// a confirmation spends the hold; a failure voids it and returns the unit of supply.
/// </summary>
public static class MintSettlement
{
    public static async Task ApplyAsync(IDocumentSession session, Mint mint, IReadOnlyList<object> events, DateTimeOffset now, CancellationToken cancellation)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case MintConfirmed:
                    await DecideAsync(session, mint.UserId, account => PointsDecisions.Post(account, new PostHold(mint.UserId, mint.Id), now), cancellation);
                    break;
                case MintFailed failed:
                    await DecideAsync(session, mint.UserId,
                        account => PointsDecisions.Void(account, new VoidHold(mint.UserId, mint.Id, $"mint {mint.Id} failed"), now), cancellation);
                    var reward = await RewardStream.OpenLockedAsync(session, mint.RewardId, cancellation);
                    reward.AppendOne(new RewardSupplyReturned(mint.RewardId, mint.Id, failed.Reason, now));
                    break;
            }
        }
    }

    private static async Task DecideAsync(IDocumentSession session, Guid userId, Func<PointsAccount?, Decision> decide, CancellationToken cancellation)
    {
        var account = await LedgerAccount.OpenAsync(session, userId, cancellation);
        var decision = decide(account.State);
        if (decision.Rejection is { } rejection)
        {
            throw new InvalidOperationException($"points account {userId}: the mint's hold cannot be settled: {rejection.Message}");
        }

        account.Append(decision);
    }
}
