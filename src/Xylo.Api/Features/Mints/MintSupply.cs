using JasperFx.Events;
using Marten;
using Xylo.Api.Features.Points;
using Xylo.Api.Hosting;
using Xylo.Domain;
using Xylo.Domain.Mints;
using Xylo.Domain.Points;
using Xylo.Domain.Rewards;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// A limited reward's supply, given out in log order by the signer before any nonce is taken (a request never writes to
/// the reward, so its buyers never queue on it): in a transaction of its own, under the rewards' locks (then, only for
/// mints that find their reward sold out, their accounts' locks: reward before account, as every writer), each waiting
/// mint gets a unit or fails as sold out with its hold voided.
/// </summary>
public static class MintSupply
{
    /// <returns>The mints that failed as sold out.</returns>
    public static async Task<IReadOnlyList<Guid>> AllotAsync(IDocumentStore store, IReadOnlyList<Guid> mintIds, DateTimeOffset now, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        var waiting = (await session.LoadManyAsync<Mint>(cancellation, mintIds)).Where(m => m is { Status: MintStatus.Queued, AwaitsSupply: true }).ToList();
        if (waiting.Count == 0) return [];

        var rewardIds = waiting.Select(m => m.RewardId).Distinct().ToArray();
        await TransactionLocks.TakeInOrderAsync(session, [.. rewardIds.Select(id => TransactionLocks.KeyOf(id)).Distinct().Order()], cancellation);

        // Read again under the locks: another signer may have allotted (or the mint moved on) since the look above.
        var reads = session.CreateBatchQuery();
        var rewardReads = rewardIds.ToDictionary(id => id, id => reads.Events.FetchForWriting<Reward>(id));
        var mintReads = waiting.Select(m => reads.Events.FetchForWriting<Mint>(m.Id)).ToList();
        await reads.Execute(cancellation);
        var mints = new Dictionary<Guid, IEventStream<Mint>>();
        foreach (var read in mintReads) mints[(await read).Id] = await read;

        var soldOut = new List<(Mint Mint, MintFailed Failed)>();
        foreach (var (rewardId, rewardRead) in rewardReads)
        {
            var reward = await rewardRead;
            // In the order of the message, which is the log's (MintWorkSubscription).
            var forReward = mintIds.Where(mints.ContainsKey).Select(id => mints[id].Aggregate!).Where(m => m.RewardId == rewardId).ToList();
            var allotment = MintDecisions.Allot(reward.Aggregate!, forReward, now).Value!;
            reward.AppendMany(allotment.RewardEvents);
            foreach (var (mintId, e) in allotment.MintEvents)
            {
                mints[mintId].AppendOne(e);
                if (e is MintFailed failed) soldOut.Add((mints[mintId].Aggregate!, failed));
            }
        }

        if (soldOut.Count > 0) await VoidHoldsAsync(session, soldOut, now, cancellation);
        await session.SaveChangesAsync(cancellation);
        return [.. soldOut.Select(s => s.Mint.Id)];
    }

    /// <summary>The sold-out mints' holds voided, under their accounts' locks (after the rewards', in ascending order).</summary>
    private static async Task VoidHoldsAsync(IDocumentSession session, List<(Mint Mint, MintFailed Failed)> soldOut, DateTimeOffset now, CancellationToken cancellation)
    {
        var userIds = soldOut.Select(s => s.Mint.UserId).Distinct().ToArray();
        await TransactionLocks.TakeInOrderAsync(session,
            [.. userIds.Select(id => TransactionLocks.KeyOf(id, TransactionLocks.PointsAccountScope)).Distinct().Order()], cancellation);
        var reads = session.CreateBatchQuery();
        var accountReads = userIds.ToDictionary(id => id, id => reads.Events.FetchForWriting<PointsAccount>(id));
        await reads.Execute(cancellation);
        var accounts = new Dictionary<Guid, LedgerAccount>();
        foreach (var (userId, read) in accountReads) accounts[userId] = LedgerAccount.Of(session, await read);

        foreach (var (mint, failed) in soldOut)
        {
            var account = accounts[mint.UserId];
            var settled = MintDecisions.Settle(mint, account.State, [failed], now);
            if (settled.Rejection is { } rejection)
            {
                throw new InvalidOperationException($"points account {mint.UserId}: the hold of sold-out mint {mint.Id} cannot be voided: {rejection.Message}");
            }

            account.Append(Decision.Accept([.. settled.Value!.AccountEvents]));
        }
    }
}
