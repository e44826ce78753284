using JasperFx.Core;

namespace Xylo.Domain.Users;

/// <summary>An identity at a sign-in provider (X, or the development sign-in) now belongs to a user.</summary>
public sealed record ExternalLoginClaimed(Guid LoginId, string Provider, string Subject, Guid UserId, DateTimeOffset ClaimedAt);

/// <summary>
/// One stream per provider identity, keyed by <see cref="IdFor"/>: two first sign-ins of the same X
/// account race to start the same stream, and only one user is ever registered for it.
/// </summary>
public sealed record ExternalLogin(Guid Id, string Provider, string Subject, Guid UserId)
{
    public const string X = "x";
    public const string Development = "dev";

    public static Guid IdFor(string provider, string subject) => StableId.For($"login:{provider}", subject);

    /// <summary>The one place an event moves a login on: its one event opens it.</summary>
    [JasperFxIgnore]
    public static ExternalLogin Evolve(ExternalLogin? state, object @event) => (state, @event) switch
    {
        (null, ExternalLoginClaimed e) => Create(e),
        _ => throw new InvalidOperationException($"{@event.GetType().Name} cannot be applied to login {state?.Id}"),
    };

    public static ExternalLogin Create(ExternalLoginClaimed e) => new(e.LoginId, e.Provider, e.Subject, e.UserId);
}
