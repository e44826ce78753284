using JasperFx.CommandLine;
using Marten;
using Xylo.Domain;
using Xylo.Domain.Users;
using Xylo.Projections.Users;

namespace Xylo.Api.Features.Users;

public sealed class UsersInput : NetCoreInput
{
    [Description("grant-role or revoke-role")]
    public string Action { get; set; } = "";

    [Description("The user: a user id or an X username (@name)")]
    public string User { get; set; } = "";

    [Description("admin or auditor")]
    public string Role { get; set; } = "";
}

/// <summary>
/// <c>dotnet run --project src/Xylo.Api -- users grant-role @alice admin</c>: bootstraps the first admin
/// (or recovers from a locked-out one) through the same decision the admin endpoint uses.
/// </summary>
[Description("Grant or revoke a user's role: users grant-role|revoke-role <user-id|@x-username> <admin|auditor>", Name = "users")]
public sealed class UsersCommand : JasperFxAsyncCommand<UsersInput>
{
    public override async Task<bool> Execute(UsersInput input)
    {
        using var host = input.BuildHost();
        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<IDocumentStore>();
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            await using var session = store.LightweightSession();

            // A handle is an X display name, which anybody can copy: only the user id or the X username (unique on X) names one
            // user, and a username that two profiles carry (renamed and taken again on X) is refused rather than guessed.
            var username = input.User.TrimStart('@').ToLowerInvariant();
            var profiles = Guid.TryParse(input.User, out var id)
                ? [.. await session.LoadManyAsync<UserProfile>(id)]
                : await session.Query<UserProfile>().Where(p => p.XUsername != null && p.XUsername.ToLower() == username).Take(2).ToListAsync();
            if (profiles is not [var profile])
            {
                await Console.Error.WriteLineAsync(profiles.Count == 0
                    ? $"No user with the id or X username '{input.User}' (display names are not unique and are not accepted)."
                    : $"Two users carry the X username '{input.User}': give the user id.");
                return false;
            }

            var stream = await session.Events.FetchForWriting<User>(profile.Id);
            Decision decision = input.Action switch
            {
                "grant-role" => ChangeRoles.Decide(stream.Aggregate!, new GrantRole(profile.Id, input.Role, "command-line"), now),
                "revoke-role" => ChangeRoles.Decide(stream.Aggregate!, new RevokeRole(profile.Id, input.Role, "command-line"), now),
                _ => Decision.Reject(RejectionKind.Invalid, "action must be grant-role or revoke-role"),
            };
            if (decision.Rejection is { } rejection)
            {
                await Console.Error.WriteLineAsync(rejection.Message);
                return false;
            }

            stream.AppendMany(decision.Events);
            await session.SaveChangesAsync();
            Console.WriteLine(decision.Events.Count == 0
                ? $"{profile.Handle} ({profile.Id}): nothing to change"
                : $"{profile.Handle} ({profile.Id}): {input.Action} {input.Role}");
            return true;
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
