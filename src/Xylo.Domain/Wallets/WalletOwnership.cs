namespace Xylo.Domain.Wallets;

public sealed record WalletClaimed(Guid WalletId, string Address, Guid UserId, DateTimeOffset ClaimedAt);

public sealed record WalletReleased(Guid WalletId, string Address, Guid UserId, DateTimeOffset ReleasedAt);

/// <summary>
/// One stream per address (keyed by <see cref="IdFor"/>), so two users linking the same wallet at
/// once append to the same stream and one of them loses on optimistic concurrency.
/// </summary>
public sealed record WalletOwnership(Guid Id, string Address, Guid? OwnerId)
{
    public static Guid IdFor(string address) => StableId.For("wallet", address.ToLowerInvariant());

    public static WalletOwnership Create(WalletClaimed e) => new(e.WalletId, e.Address, e.UserId);

    public WalletOwnership Apply(WalletClaimed e) => this with { OwnerId = e.UserId, Address = e.Address };

    public WalletOwnership Apply(WalletReleased e) => this with { OwnerId = null };
}
