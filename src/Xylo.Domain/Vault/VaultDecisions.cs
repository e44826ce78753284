using Xylo.Domain.Points;

namespace Xylo.Domain.Vault;

/// <summary>A Deposited or Withdrawn log as read from the chain, in a block at or below the safe head.</summary>
public sealed record ChainVaultLog(VaultLogKind Kind, string TxHash, long LogIndex, long BlockNumber, string BlockHash, string Wallet, string Token,
    string Amount, int Decimals);

/// <summary>The events of a reversal: for the fan's points stream and for the log's own stream, appended together.</summary>
public sealed record VaultReversal(IReadOnlyList<object> PointsEvents, IReadOnlyList<object> LogEvents);

public static class VaultDecisions
{
    public const string IndexerActor = "vault-indexer";

    /// <summary>
    /// A log read from the chain: new → observed; already indexed in the same block → nothing (a replay, a rescan);
    /// reorged earlier → observed again; indexed in another block (a reorg the indexer did not see) → reorged, then observed.
    /// </summary>
    public static Decision Observe(VaultLog? state, ChainVaultLog log, DateTimeOffset now)
    {
        var id = VaultLog.IdFor(log.TxHash, log.LogIndex);
        object observed = log.Kind == VaultLogKind.Deposit
            ? new VaultDepositObserved(id, log.TxHash, log.LogIndex, log.BlockNumber, log.BlockHash, log.Wallet, log.Token, log.Amount, log.Decimals, now)
            : new VaultWithdrawalObserved(id, log.TxHash, log.LogIndex, log.BlockNumber, log.BlockHash, log.Wallet, log.Token, log.Amount, log.Decimals, now);
        if (state is null || state.Status == VaultLogStatus.Reorged) return Decision.Accept(observed);
        if (string.Equals(state.BlockHash, log.BlockHash, StringComparison.OrdinalIgnoreCase)) return Decision.Accept();
        return Decision.Accept(Reorged(state, Math.Min(state.BlockNumber, log.BlockNumber) - 1, now), observed);
    }

    /// <summary>The log's block is above the fork point of a reorg: it no longer counts (nothing when it already does not).</summary>
    public static Decision Reorg(VaultLog state, long forkBlock, DateTimeOffset now) =>
        state.Status == VaultLogStatus.Indexed && state.BlockNumber > forkBlock
            ? Decision.Accept(Reorged(state, forkBlock, now))
            : Decision.Accept();

    /// <summary>Points the vault-deposit rule offers for a deposit: its amount (points per whole unit) times the whole units, within one award's limit.</summary>
    public static long PointsOffered(VaultLog deposit, EarningRule rule)
    {
        var points = deposit.WholeUnits * rule.Amount;
        return points > PointsDecisions.MaxSingleAmount ? PointsDecisions.MaxSingleAmount : (long)points;
    }

    /// <summary>
    /// Records what <see cref="EarningDecisions.Award"/> decided for a deposit: the points credited, or 0 with the reason
    /// (a refusal is final for this observation: a cap reached today is not retried tomorrow).
    /// </summary>
    public static Decision Credited(VaultLog deposit, Guid userId, Decision award, DateTimeOffset now)
    {
        if (!deposit.Unsettled || deposit.Status != VaultLogStatus.Indexed) return Decision.Accept();
        var points = award.Events.OfType<PointsEarned>().Sum(e => e.Amount);
        return Decision.Accept(new VaultDepositCredited(deposit.Id, userId, points, deposit.CreditSource, award.Rejection?.Message, now));
    }

    /// <summary>
    /// Takes back what a reorged deposit credited, as far as the fan still has it (points already spent on a reward
    /// stay spent: the shortfall is recorded and reported); nothing when there is nothing to reverse.
    /// </summary>
    public static VaultReversal Reverse(VaultLog deposit, PointsAccount? account, DateTimeOffset now)
    {
        if (deposit is not { Status: VaultLogStatus.Reorged, Credit: { Reversed: false } credit }) return new VaultReversal([], []);

        var source = $"reorg:{credit.Source}";
        var available = account?.AvailableAt(now) ?? 0;
        var taken = Math.Min(credit.Points, available);
        IReadOnlyList<object> points = [];
        if (taken > 0)
        {
            var deduction = PointsDecisions.Deduct(account, new DeductPoints(credit.UserId, taken,
                $"vault deposit {deposit.TxHash} (log {deposit.LogIndex}) was reorged away", IndexerActor, source), now);
            points = deduction.Events;
        }

        return new VaultReversal(points, [new VaultCreditReversed(deposit.Id, credit.UserId, taken, credit.Points - taken, source, now)]);
    }

    private static VaultEventReorged Reorged(VaultLog state, long forkBlock, DateTimeOffset now) =>
        new(state.Id, state.Kind, state.TxHash, state.LogIndex, state.BlockNumber, state.BlockHash, state.Wallet, state.Token, state.Amount, forkBlock, now);
}
