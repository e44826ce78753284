using Xylo.Domain.Users;

namespace Xylo.Domain.Tests;

/// <summary>Builds write-side state the way Marten does: from events, in order.</summary>
public static class Given
{
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public static User User(Guid? id = null, params object[] history)
    {
        var userId = id ?? Guid.CreateVersion7();
        var user = Domain.Users.User.Create(new UserRegistered(userId, "fan", ExternalLogin.X, Now.AddDays(-1)));
        foreach (var e in history)
        {
            user = e switch
            {
                XAccountLinked x => user.Apply(x),
                WalletLinked x => user.Apply(x),
                WalletUnlinked x => user.Apply(x),
                RoleGranted x => user.Apply(x),
                RoleRevoked x => user.Apply(x),
                UserSuspended x => user.Apply(x),
                UserReinstated x => user.Apply(x),
                _ => throw new ArgumentException($"not a user event: {e.GetType().Name}"),
            };
        }

        return user;
    }
}
