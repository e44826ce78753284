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
        foreach (var e in history) user = Domain.Users.User.Evolve(user, e);

        return user;
    }

    public static PointsAccount Points(params object[] history) =>
        Evolve(null, history) ?? throw new ArgumentException("a points account needs at least one event", nameof(history));

    public static PointsAccount? Evolve(PointsAccount? account, IEnumerable<object> events) =>
        events.Aggregate(account, (state, e) => PointsAccount.Evolve(state, e));
}
