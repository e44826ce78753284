using Marten;
using Microsoft.Extensions.Options;
using Wolverine.Marten;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Auth;

/// <summary>Who a provider says the caller is: X's user id and names, or a development handle.</summary>
public sealed record ExternalIdentity(string Provider, string Subject, string Handle, string? XUsername = null);

public abstract record SignInOutcome
{
    public sealed record SignedIn(TokenResponse Tokens) : SignInOutcome;

    public sealed record Suspended : SignInOutcome;
}

/// <summary>
/// Registers on the first sign-in of a provider identity, signs in afterwards, and issues our tokens.
/// Shared by the X callback and the development sign-in, so both answer the same way.
/// </summary>
public sealed partial class SignInService(IDocumentStore store, IMartenOutbox outbox, TokenIssuer tokens, IOptions<AuthOptions> options,
    TimeProvider clock, ILogger<SignInService> logger)
{
    /// <param name="requestedRoles">Roles to grant on the way in (the development sign-in only).</param>
    public async Task<SignInOutcome> SignInAsync(ExternalIdentity identity, IReadOnlyCollection<string> requestedRoles, CancellationToken cancellation)
    {
        var roles = requestedRoles.Select(role => (role, By: "dev-sign-in")).ToList();
        if (options.Value.BootstrapAdmins.Contains(identity.Subject, StringComparer.Ordinal)) roles.Add((Roles.Admin, "bootstrap"));

        try
        {
            return await AttemptAsync(identity, roles, cancellation);
        }
        catch (Exception ex) when (IsConcurrentRegistration(ex))
        {
            // Another request registered this identity between our read and our write: it is now a sign-in.
            return await AttemptAsync(identity, roles, cancellation);
        }
    }

    private async Task<SignInOutcome> AttemptAsync(ExternalIdentity identity, IReadOnlyList<(string Role, string By)> roles, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        var now = clock.GetUtcNow();

        var loginId = ExternalLogin.IdFor(identity.Provider, identity.Subject);
        var login = await session.Events.FetchLatest<ExternalLogin>(loginId, cancellation);
        User user;
        if (login is null)
        {
            var userId = Guid.CreateVersion7();
            var (claimed, registration) = RegisterUserDecision.Decide(
                new RegisterUser(userId, identity.Provider, identity.Subject, identity.Handle, identity.XUsername), now).Value!;
            user = User.Create((UserRegistered)registration[0]);
            var userEvents = registration.ToList();
            userEvents.AddRange(GrantRoles(ref user, roles, now));
            session.Events.StartStream<ExternalLogin>(loginId, claimed);
            session.Events.StartStream<User>(userId, userEvents);
            await outbox.PublishAsync((UserRegistered)registration[0]);
            LogRegistered(logger, userId, identity.Provider);
        }
        else
        {
            var stream = await session.Events.FetchForWriting<User>(login.UserId, cancellation);
            user = stream.Aggregate ?? throw new InvalidOperationException($"login {loginId} points at missing user {login.UserId}");
            if (user.Suspended) return new SignInOutcome.Suspended();
            if (roles.Count > 0) stream.AppendMany(GrantRoles(ref user, await NeverRevokedAsync(session, user.Id, roles, cancellation), now));
        }

        var response = tokens.Issue(session, new SignedInUser(user.Id, user.Handle, user.Roles.ToList()), Guid.CreateVersion7());
        await session.SaveChangesAsync(cancellation);
        return new SignInOutcome.SignedIn(response);
    }

    /// <summary>
    /// A bootstrap role is granted until an admin revokes it once: it used to come back at every sign-in. Only bootstrap
    /// admins have roles here, so reading their stream costs nobody else a round trip.
    /// </summary>
    private static async Task<IReadOnlyList<(string Role, string By)>> NeverRevokedAsync(IDocumentSession session, Guid userId,
        IReadOnlyList<(string Role, string By)> roles, CancellationToken cancellation)
    {
        var revoked = (await session.Events.FetchStreamAsync(userId, token: cancellation))
            .Select(e => e.Data).OfType<RoleRevoked>().Select(e => e.Role).ToHashSet(StringComparer.Ordinal);
        return roles.Where(r => !revoked.Contains(r.Role)).ToList();
    }

    private static List<object> GrantRoles(ref User user, IEnumerable<(string Role, string By)> roles, DateTimeOffset now)
    {
        var events = new List<object>();
        foreach (var (role, by) in roles)
        {
            foreach (var granted in ChangeRoles.Decide(user, new GrantRole(user.Id, role, by), now).Events.OfType<RoleGranted>())
            {
                user = user.Apply(granted);
                events.Add(granted);
            }
        }

        return events;
    }

    private static bool IsConcurrentRegistration(Exception ex) =>
        ex is JasperFx.ConcurrencyException or JasperFx.Events.ExistingStreamIdCollisionException
        || ex.InnerException is JasperFx.ConcurrencyException or JasperFx.Events.ExistingStreamIdCollisionException;

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered user {UserId} through {Provider}")]
    private static partial void LogRegistered(ILogger logger, Guid userId, string provider);
}
