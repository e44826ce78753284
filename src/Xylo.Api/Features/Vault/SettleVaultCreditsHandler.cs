using Marten;
using Xylo.Api.Features.Points;
using Xylo.Domain;
using Xylo.Domain.Points;
using Xylo.Domain.Users;
using Xylo.Domain.Vault;
using Xylo.Domain.Wallets;

namespace Xylo.Api.Features.Vault;

/// <summary>
/// The vault-deposit rule: a deposit from a wallet linked to a fan is credited through <see cref="LedgerAccount.EarnAsync"/>
/// (caps, budget, idempotent by the log's source); a reorged deposit's credit is taken back from whoever it went to. Sent
/// by the indexer after it commits deposits or reorgs, and by <c>POST /me/wallet</c>, so deposits made before the wallet
/// was linked are credited on link. The log's stream is fetched for writing: a reorg appended meanwhile makes this retry.
/// </summary>
public static class SettleVaultCreditsHandler
{
    public const int MaxPerMessage = 200;

    public static async Task<SettleVaultCredits?> Handle(SettleVaultCredits message, IDocumentSession session, EarningRulesCache rules, TimeProvider clock,
        CancellationToken cancellation)
    {
        var wallet = message.Wallet.ToLowerInvariant();
        var owner = (await session.LoadAsync<WalletOwnership>(WalletOwnership.IdFor(wallet), cancellation))?.OwnerId;
        // An unlinked wallet's new deposits stay unsettled (linking it credits them): only its reversals are work.
        var query = session.Query<VaultLog>().Where(l => l.Wallet == wallet && l.Unsettled);
        if (owner is null) query = query.Where(l => l.Status == VaultLogStatus.Reorged);
        var unsettled = await query
            .OrderBy(l => l.BlockNumber).ThenBy(l => l.LogIndex)
            .Take(MaxPerMessage + 1)
            .ToListAsync(cancellation);
        if (unsettled.Count == 0) return null;

        var now = clock.GetUtcNow();
        var rule = await rules.GetAsync(EarningRule.VaultDepositId, cancellation);
        var accounts = new Dictionary<Guid, LedgerAccount>();
        foreach (var candidate in unsettled.Take(MaxPerMessage).OrderBy(l => l.Status == VaultLogStatus.Indexed))
        {
            var stream = await session.Events.FetchForWriting<VaultLog>(candidate.Id, cancellation);
            if (stream.Aggregate is not { Unsettled: true } log) continue;

            if (log.Status == VaultLogStatus.Reorged)
            {
                var account = await AccountAsync(session, accounts, log.Credit!.UserId, cancellation);
                var reversal = VaultDecisions.Reverse(log, account.State, now);
                account.Append(Decision.Accept([.. reversal.PointsEvents]));
                stream.AppendMany(reversal.LogEvents);
                continue;
            }

            if (owner is not { } userId) continue;
            var user = await session.LoadAsync<User>(userId, cancellation);
            var award = EarningDecisions.CanEarn(user);
            if (award.IsAccepted)
            {
                var ledger = await AccountAsync(session, accounts, userId, cancellation);
                award = await ledger.EarnAsync(rule, VaultDecisions.PointsOffered(log, rule), log.CreditSource,
                    $"vault deposit {log.TxHash} (log {log.LogIndex})", VaultDecisions.IndexerActor, now, cancellation);
            }

            stream.AppendMany(VaultDecisions.Credited(log, userId, award, now).Events);
        }

        // Every log of this batch is settled now, so the next batch is new work: the chain of messages ends.
        return unsettled.Count > MaxPerMessage ? message : null;
    }

    private static async Task<LedgerAccount> AccountAsync(IDocumentSession session, Dictionary<Guid, LedgerAccount> accounts, Guid userId,
        CancellationToken cancellation)
    {
        if (!accounts.TryGetValue(userId, out var account))
        {
            accounts[userId] = account = await LedgerAccount.OpenAsync(session, userId, cancellation);
        }

        return account;
    }
}
