namespace Xylo.Domain.Users;

/// <param name="XUsername">Set when the provider is X.</param>
public sealed record RegisterUser(Guid UserId, string Provider, string Subject, string Handle, string? XUsername);

/// <summary>A first sign-in's events: the login stream's claim and the new user's stream.</summary>
public sealed record Registration(ExternalLoginClaimed Login, IReadOnlyList<object> UserEvents);

public static class RegisterUserDecision
{
    public const int MaxHandleLength = 64;

    /// <summary>A first sign-in always registers: the provider has vouched for the identity.</summary>
    public static Decision<Registration> Decide(RegisterUser command, DateTimeOffset now)
    {
        var handle = command.Handle.Trim();
        if (handle.Length > MaxHandleLength) handle = handle[..MaxHandleLength];

        var loginId = ExternalLogin.IdFor(command.Provider, command.Subject);
        List<object> userEvents = [new UserRegistered(command.UserId, handle, command.Provider, now)];
        if (command.Provider == ExternalLogin.X)
        {
            userEvents.Add(new XAccountLinked(command.UserId, command.Subject, command.XUsername ?? handle, now));
        }

        var claimed = new ExternalLoginClaimed(loginId, command.Provider, command.Subject, command.UserId, now);
        return Decision<Registration>.Accept(new Registration(claimed, userEvents), [claimed, .. userEvents]);
    }
}
