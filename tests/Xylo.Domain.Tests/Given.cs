using Xylo.Domain.Points;
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

    public static PointsAccount Points(params object[] history) =>
        Evolve(null, history) ?? throw new ArgumentException("a points account needs at least one event", nameof(history));

    /// <summary>A points stream starts with its first PointsEarned, as Marten's generated evolver does.</summary>
    public static PointsAccount? Evolve(PointsAccount? account, IEnumerable<object> events)
    {
        foreach (var e in events)
        {
            account = (account, e) switch
            {
                (null, PointsEarned x) => PointsAccount.Create(x),
                (null, _) => throw new ArgumentException($"a points stream cannot start with {e.GetType().Name}"),
                ({ } open, PointsEarned x) => open.Apply(x),
                ({ } open, PointsReserved x) => open.Apply(x),
                ({ } open, PointsSpent x) => open.Apply(x),
                ({ } open, PointsReleased x) => open.Apply(x),
                ({ } open, PointsExpired x) => open.Apply(x),
                ({ } open, PointsDeducted x) => open.Apply(x),
                _ => throw new ArgumentException($"not a points event: {e.GetType().Name}"),
            };
        }

        return account;
    }
}
