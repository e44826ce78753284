using System.Collections.Immutable;
using JasperFx.Core;

namespace Xylo.Domain.Users;

public sealed record UserRegistered(Guid UserId, string Handle, string Provider, DateTimeOffset RegisteredAt);

public sealed record XAccountLinked(Guid UserId, string XUserId, string XUsername, DateTimeOffset LinkedAt);

public sealed record WalletLinked(Guid UserId, string Address, long ChainId, DateTimeOffset LinkedAt);

public sealed record WalletUnlinked(Guid UserId, string Address, DateTimeOffset UnlinkedAt);

public sealed record RoleGranted(Guid UserId, string Role, string GrantedBy, DateTimeOffset GrantedAt);

public sealed record RoleRevoked(Guid UserId, string Role, string RevokedBy, DateTimeOffset RevokedAt);

public sealed record UserSuspended(Guid UserId, string Reason, string SuspendedBy, DateTimeOffset SuspendedAt);

public sealed record UserReinstated(Guid UserId, string ReinstatedBy, DateTimeOffset ReinstatedAt);

/// <summary>The write-side state of one user: only what decisions need.</summary>
public sealed record User(Guid Id, string Handle, string? XUserId, string? Wallet, ImmutableSortedSet<string> Roles, bool Suspended)
{
    /// <summary>The one place an event moves a user on.</summary>
    [JasperFxIgnore]
    public static User Evolve(User? state, object @event) => (state, @event) switch
    {
        (null, UserRegistered e) => Create(e),
        (null, _) => throw new InvalidOperationException($"a user stream cannot start with {@event.GetType().Name}"),
        (_, XAccountLinked e) => state.Apply(e),
        (_, WalletLinked e) => state.Apply(e),
        (_, WalletUnlinked e) => state.Apply(e),
        (_, RoleGranted e) => state.Apply(e),
        (_, RoleRevoked e) => state.Apply(e),
        (_, UserSuspended e) => state.Apply(e),
        (_, UserReinstated e) => state.Apply(e),
        _ => throw new InvalidOperationException($"{@event.GetType().Name} cannot be applied to user {state.Id}"),
    };

    public static User Create(UserRegistered e) => new(e.UserId, e.Handle, null, null, [Users.Roles.User], false);

    public User Apply(XAccountLinked e) => this with { XUserId = e.XUserId };

    public User Apply(WalletLinked e) => this with { Wallet = e.Address };

    public User Apply(WalletUnlinked e) => this with { Wallet = null };

    public User Apply(RoleGranted e) => this with { Roles = Roles.Add(e.Role) };

    public User Apply(RoleRevoked e) => this with { Roles = Roles.Remove(e.Role) };

    public User Apply(UserSuspended e) => this with { Suspended = true };

    public User Apply(UserReinstated e) => this with { Suspended = false };
}
