using System.Collections.Immutable;

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
    public static User Create(UserRegistered e) => new(e.UserId, e.Handle, null, null, [Users.Roles.User], false);

    public User Apply(XAccountLinked e) => this with { XUserId = e.XUserId };

    public User Apply(WalletLinked e) => this with { Wallet = e.Address };

    public User Apply(WalletUnlinked e) => this with { Wallet = null };

    public User Apply(RoleGranted e) => this with { Roles = Roles.Add(e.Role) };

    public User Apply(RoleRevoked e) => this with { Roles = Roles.Remove(e.Role) };

    public User Apply(UserSuspended e) => this with { Suspended = true };

    public User Apply(UserReinstated e) => this with { Suspended = false };
}
