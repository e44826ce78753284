using System.Numerics;
using JasperFx.Core;

namespace Xylo.Domain.Vault;

public enum VaultLogKind
{
    Deposit,
    Withdrawal,
}

public enum VaultLogStatus
{
    /// <summary>In a block at or below the safe head that is still on the chain.</summary>
    Indexed,

    /// <summary>Its block was reorged away: it no longer counts (it may be observed again in another block).</summary>
    Reorged,
}

/// <param name="Amount">Base units (wei for the native coin), as a decimal string: uint256 does not fit a long.</param>
/// <param name="Token">Lower-case address; <see cref="VaultLog.NativeToken"/> for the native coin.</param>
public sealed record VaultDepositObserved(Guid LogId, string TxHash, long LogIndex, long BlockNumber, string BlockHash, string Wallet, string Token,
    string Amount, int Decimals, DateTimeOffset ObservedAt);

public sealed record VaultWithdrawalObserved(Guid LogId, string TxHash, long LogIndex, long BlockNumber, string BlockHash, string Wallet, string Token,
    string Amount, int Decimals, DateTimeOffset ObservedAt);

/// <summary>The compensating event: the block the log was in is gone; <paramref name="ForkBlock"/> is the last block both chains share.</summary>
public sealed record VaultEventReorged(Guid LogId, VaultLogKind Kind, string TxHash, long LogIndex, long BlockNumber, string BlockHash, string Wallet,
    string Token, string Amount, long ForkBlock, DateTimeOffset ReorgedAt);

/// <summary>The vault-deposit rule was applied: <paramref name="Points"/> may be 0 (a cap, the budget, less than one unit), with <paramref name="Note"/> saying why.</summary>
public sealed record VaultDepositCredited(Guid LogId, Guid UserId, long Points, string Source, string? Note, DateTimeOffset CreditedAt);

/// <summary>What a reorged deposit had credited was taken back: <paramref name="Points"/> may be less than credited when the fan spent them.</summary>
public sealed record VaultCreditReversed(Guid LogId, Guid UserId, long Points, long Shortfall, string Source, DateTimeOffset ReversedAt);

/// <summary>What the vault-deposit rule gave for one observation of a deposit; a reorg reverses it once.</summary>
public sealed record VaultCredit(Guid UserId, long Points, string Source, bool Reversed);

/// <summary>
/// One Deposited or Withdrawn log of the vault contract: one stream per (transaction hash, log index), so replays and
/// rescans of a block land on the same stream and change nothing. Its snapshot is also the vault's read model.
/// </summary>
public sealed record VaultLog(
    Guid Id,
    VaultLogKind Kind,
    string TxHash,
    long LogIndex,
    long BlockNumber,
    string BlockHash,
    string Wallet,
    string Token,
    string Amount,
    int Decimals,
    VaultLogStatus Status,
    int Observations,
    DateTimeOffset ObservedAt,
    DateTimeOffset? ReorgedAt,
    VaultCredit? Credit)
{
    public const string NativeToken = "0x0000000000000000000000000000000000000000";

    public static Guid IdFor(string txHash, long logIndex) => StableId.For("vault-log", $"{txHash.ToLowerInvariant()}:{logIndex}");

    /// <summary>A deposit the points rule has still to look at: indexed and not credited, or reorged with a credit not yet reversed.</summary>
    public bool Unsettled => Kind == VaultLogKind.Deposit
        && (Status == VaultLogStatus.Indexed ? Credit is null : Credit is { Reversed: false });

    /// <summary>The points source of this observation: a log observed again after a reorg is a new source.</summary>
    public string CreditSource => $"vault:{TxHash}:{LogIndex}:{Observations}";

    /// <summary>Whole units deposited (amount / 10^decimals, rounded down).</summary>
    public BigInteger WholeUnits => BigInteger.Parse(Amount, System.Globalization.CultureInfo.InvariantCulture) / BigInteger.Pow(10, Decimals);

    [JasperFxIgnore]
    public static VaultLog Evolve(VaultLog? state, object @event) => (state, @event) switch
    {
        (null, VaultDepositObserved e) => Create(e),
        (null, VaultWithdrawalObserved e) => Create(e),
        (null, _) => throw new InvalidOperationException($"a vault log stream cannot start with {@event.GetType().Name}"),
        (_, VaultDepositObserved e) => state.Apply(e),
        (_, VaultWithdrawalObserved e) => state.Apply(e),
        (_, VaultEventReorged e) => state.Apply(e),
        (_, VaultDepositCredited e) => state.Apply(e),
        (_, VaultCreditReversed e) => state.Apply(e),
        _ => throw new InvalidOperationException($"{@event.GetType().Name} cannot be applied to vault log {state.Id}"),
    };

    public static VaultLog Create(VaultDepositObserved e) =>
        new(e.LogId, VaultLogKind.Deposit, e.TxHash, e.LogIndex, e.BlockNumber, e.BlockHash, e.Wallet, e.Token, e.Amount, e.Decimals, VaultLogStatus.Indexed, 1, e.ObservedAt, null, null);

    public static VaultLog Create(VaultWithdrawalObserved e) =>
        new(e.LogId, VaultLogKind.Withdrawal, e.TxHash, e.LogIndex, e.BlockNumber, e.BlockHash, e.Wallet, e.Token, e.Amount, e.Decimals, VaultLogStatus.Indexed, 1, e.ObservedAt, null, null);

    public VaultLog Apply(VaultDepositObserved e) => Again(Create(e));

    public VaultLog Apply(VaultWithdrawalObserved e) => Again(Create(e));

    public VaultLog Apply(VaultEventReorged e) => this with { Status = VaultLogStatus.Reorged, ReorgedAt = e.ReorgedAt };

    public VaultLog Apply(VaultDepositCredited e) => this with { Credit = new VaultCredit(e.UserId, e.Points, e.Source, false) };

    public VaultLog Apply(VaultCreditReversed e) =>
        this with { Credit = (Credit ?? throw new InvalidOperationException($"vault log {Id}: a credit is reversed that was never made")) with { Reversed = true } };

    // A credit not yet reversed when the log comes back still stands: the deposit is credited once, not twice.
    private VaultLog Again(VaultLog observed) =>
        observed with { Observations = Observations + 1, Credit = Credit is { Reversed: true } ? null : Credit };
}
