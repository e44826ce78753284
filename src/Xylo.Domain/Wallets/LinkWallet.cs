using Xylo.Domain.Users;

namespace Xylo.Domain.Wallets;

/// <param name="Address">EIP-55 checksummed, already proven to be signed for by the user.</param>
public sealed record LinkWallet(Guid UserId, string Address, long ChainId);

public sealed record UnlinkWallet(Guid UserId);

/// <summary>The events for the user's stream and for the wallet's own stream, appended together.</summary>
public sealed record WalletChange(IReadOnlyList<object> UserEvents, IReadOnlyList<object> WalletEvents)
{
    public static Decision<WalletChange> Accept(IReadOnlyList<object> userEvents, IReadOnlyList<object> walletEvents) =>
        Decision<WalletChange>.Accept(new WalletChange(userEvents, walletEvents), [.. userEvents, .. walletEvents]);
}

public static class LinkWalletDecision
{
    public static Decision<WalletChange> Decide(User user, WalletOwnership? wallet, LinkWallet command, DateTimeOffset now)
    {
        if (user.Suspended) return Decision<WalletChange>.Reject(RejectionKind.Forbidden, "a suspended user cannot link a wallet");

        var sameAddress = string.Equals(user.Wallet, command.Address, StringComparison.OrdinalIgnoreCase);
        if (wallet?.OwnerId is { } owner && owner != user.Id)
        {
            return Decision<WalletChange>.Reject(RejectionKind.Conflict, "this wallet is linked to another user");
        }

        if (sameAddress && wallet?.OwnerId == user.Id) return WalletChange.Accept([], []);

        if (user.Wallet is not null && !sameAddress)
        {
            return Decision<WalletChange>.Reject(RejectionKind.Conflict, $"another wallet ({user.Wallet}) is linked; unlink it first");
        }

        var walletId = WalletOwnership.IdFor(command.Address);
        return WalletChange.Accept(
            [new WalletLinked(user.Id, command.Address, command.ChainId, now)],
            [new WalletClaimed(walletId, command.Address, user.Id, now)]);
    }

    public static Decision<WalletChange> Decide(User user, UnlinkWallet command, DateTimeOffset now)
    {
        if (user.Wallet is not { } address) return Decision<WalletChange>.Reject(RejectionKind.NotFound, "no wallet is linked");

        return WalletChange.Accept(
            [new WalletUnlinked(user.Id, address, now)],
            [new WalletReleased(WalletOwnership.IdFor(address), address, user.Id, now)]);
    }
}
