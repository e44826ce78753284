using Marten.Events.Projections;
using Xylo.Domain.Channels;
using Xylo.Domain.Users;

namespace Xylo.Projections.Users;

public sealed record VerifiedChannel(string ChannelId, string Title, long Subscribers, DateTimeOffset VerifiedAt);

/// <summary>What <c>GET /me</c> shows, and what authentication checks (roles, suspension) on every request.</summary>
public sealed record UserProfile(
    Guid Id,
    string Handle,
    string? XUserId,
    string? XUsername,
    string? Wallet,
    VerifiedChannel? Channel,
    IReadOnlyList<string> Roles,
    bool Suspended,
    DateTimeOffset CreatedAt);

/// <summary>
/// Inline, unlike most views: a suspension or a revoked role must take effect on the very next
/// request, and a user reads their own profile right after changing it.
/// </summary>
public sealed partial class UserProfileProjection : MultiStreamProjection<UserProfile, Guid>
{
    public UserProfileProjection()
    {
        Identity<UserRegistered>(e => e.UserId);
        Identity<XAccountLinked>(e => e.UserId);
        Identity<WalletLinked>(e => e.UserId);
        Identity<WalletUnlinked>(e => e.UserId);
        Identity<RoleGranted>(e => e.UserId);
        Identity<RoleRevoked>(e => e.UserId);
        Identity<UserSuspended>(e => e.UserId);
        Identity<UserReinstated>(e => e.UserId);
        Identity<ChannelVerified>(e => e.UserId);
    }

    public static UserProfile Create(UserRegistered e) =>
        new(e.UserId, e.Handle, null, null, null, null, [Xylo.Domain.Users.Roles.User], false, e.RegisteredAt);

    public static UserProfile Apply(XAccountLinked e, UserProfile view) => view with { XUserId = e.XUserId, XUsername = e.XUsername };

    public static UserProfile Apply(WalletLinked e, UserProfile view) => view with { Wallet = e.Address };

    public static UserProfile Apply(WalletUnlinked e, UserProfile view) => view with { Wallet = null };

    public static UserProfile Apply(RoleGranted e, UserProfile view) =>
        view with { Roles = view.Roles.Append(e.Role).Distinct().Order(StringComparer.Ordinal).ToList() };

    public static UserProfile Apply(RoleRevoked e, UserProfile view) => view with { Roles = view.Roles.Where(r => r != e.Role).ToList() };

    public static UserProfile Apply(UserSuspended e, UserProfile view) => view with { Suspended = true };

    public static UserProfile Apply(UserReinstated e, UserProfile view) => view with { Suspended = false };

    public static UserProfile Apply(ChannelVerified e, UserProfile view) =>
        view with { Channel = new VerifiedChannel(e.ChannelId, e.Title, e.Subscribers, e.VerifiedAt) };
}
