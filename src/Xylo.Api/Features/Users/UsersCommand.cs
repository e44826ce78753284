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

    [Description("The user: a handle or a user id")]
    public string User { get; set; } = "";

    [Description("admin or auditor")]
    public string Role { get; set; } = "";
}

/// <summary>
/// <c>dotnet run --project src/Xylo.Api -- users grant-role alice admin</c>: bootstraps the first admin
/// (or recovers from a locked-out one) through the same decision the admin endpoint uses.
/// </summary>
[Description("Grant or revoke a user's role: users grant-role|revoke-role <handle|user-id> <admin|auditor>", Name = "users")]
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

            var profile = Guid.TryParse(input.User, out var id)
                ? await session.LoadAsync<UserProfile>(id)
                : await session.Query<UserProfile>().FirstOrDefaultAsync(p => p.Handle == input.User);
            if (profile is null)
            {
                await Console.Error.WriteLineAsync($"No user '{input.User}'.");
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
