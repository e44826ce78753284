using System.Globalization;
using System.Numerics;
using Marten.Events.Projections;
using Xylo.Domain.Vault;

namespace Xylo.Projections.Vault;

/// <summary>What one token adds up to: deposited − withdrawn (base units, decimal strings), and how many logs.</summary>
public sealed record VaultTokenTotal(string Token, int Decimals, string Deposited, string Withdrawn, long Deposits, long Withdrawals)
{
    public string Balance => (Parse(Deposited) - Parse(Withdrawn)).ToString(CultureInfo.InvariantCulture);

    internal static BigInteger Parse(string amount) => BigInteger.Parse(amount, CultureInfo.InvariantCulture);

    internal static VaultTokenTotal Empty(string token, int decimals) => new(token, decimals, "0", "0", 0, 0);

    /// <summary>Adds (sign +1) or takes back (sign −1, a reorg) one log.</summary>
    internal VaultTokenTotal Add(VaultLogKind kind, string amount, int sign)
    {
        var value = Parse(amount) * sign;
        return kind == VaultLogKind.Deposit
            ? this with { Deposited = (Parse(Deposited) + value).ToString(CultureInfo.InvariantCulture), Deposits = Deposits + sign }
            : this with { Withdrawn = (Parse(Withdrawn) + value).ToString(CultureInfo.InvariantCulture), Withdrawals = Withdrawals + sign };
    }
}

/// <summary>A wallet's vault balances per token (id: the lower-case address), from the logs that still count.</summary>
public sealed record VaultPosition(string Id, IReadOnlyList<VaultTokenTotal> Tokens)
{
    /// <summary>The whole vault, per token: the same document under this id.</summary>
    public const string AllWallets = "all";

    internal VaultPosition Add(string token, int decimals, VaultLogKind kind, string amount, int sign)
    {
        var current = Tokens.FirstOrDefault(t => t.Token == token) ?? VaultTokenTotal.Empty(token, decimals);
        return this with { Tokens = [.. Tokens.Where(t => t.Token != token).Append(current.Add(kind, amount, sign)).OrderBy(t => t.Token, StringComparer.Ordinal)] };
    }
}

/// <summary>Inline: every wallet's position and the vault's totals move in the indexer's own transaction.</summary>
public sealed class VaultPositionProjection : MultiStreamProjection<VaultPosition, string>
{
    public VaultPositionProjection()
    {
        Identities<VaultDepositObserved>(e => [e.Wallet, VaultPosition.AllWallets]);
        Identities<VaultWithdrawalObserved>(e => [e.Wallet, VaultPosition.AllWallets]);
        Identities<VaultEventReorged>(e => [e.Wallet, VaultPosition.AllWallets]);
    }

    public static VaultPosition Create(VaultDepositObserved e) => new VaultPosition(e.Wallet, []).Add(e.Token, e.Decimals, VaultLogKind.Deposit, e.Amount, 1);

    public static VaultPosition Create(VaultWithdrawalObserved e) => new VaultPosition(e.Wallet, []).Add(e.Token, e.Decimals, VaultLogKind.Withdrawal, e.Amount, 1);

    public static VaultPosition Apply(VaultPosition position, VaultDepositObserved e) => position.Add(e.Token, e.Decimals, VaultLogKind.Deposit, e.Amount, 1);

    public static VaultPosition Apply(VaultPosition position, VaultWithdrawalObserved e) => position.Add(e.Token, e.Decimals, VaultLogKind.Withdrawal, e.Amount, 1);

    public static VaultPosition Apply(VaultPosition position, VaultEventReorged e) => position.Add(e.Token, 0, e.Kind, e.Amount, -1);
}
