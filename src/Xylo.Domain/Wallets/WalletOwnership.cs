using JasperFx.Core;

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

    /// <summary>The one place an event moves a wallet's ownership on.</summary>
    [JasperFxIgnore]
    public static WalletOwnership Evolve(WalletOwnership? state, object @event) => (state, @event) switch
    {
        (null, WalletClaimed e) => Create(e),
        (null, _) => throw new InvalidOperationException($"a wallet stream cannot start with {@event.GetType().Name}"),
        (_, WalletClaimed e) => state.Apply(e),
        (_, WalletReleased e) => state.Apply(e),
        _ => throw new InvalidOperationException($"{@event.GetType().Name} cannot be applied to wallet {state.Id}"),
    };

    public static WalletOwnership Create(WalletClaimed e) => new(e.WalletId, e.Address, e.UserId);

    public WalletOwnership Apply(WalletClaimed e) => this with { OwnerId = e.UserId, Address = e.Address };

    public WalletOwnership Apply(WalletReleased e) => this with { OwnerId = null };
}
