using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Users;

/// <summary>The bootstrap path: <c>Xylo.Api users grant-role …</c> run as the real program, against the test database.</summary>
[Collection(DevelopmentCollection.Name)]
public sealed class UsersCommandTests(DevelopmentFixture fixture)
{
    [Fact]
    public async Task The_command_line_grants_and_revokes_roles_and_fails_for_an_unknown_user()
    {
        var handle = $"cli-{Guid.NewGuid():N}";
        var user = await fixture.Host.DevSignInAsync(handle);

        (await RunAsync("users", "grant-role", handle, "auditor")).ExitCode.ShouldNotBe(0, "a display name is no one's name: anybody can copy it");
        var (granted, grantOutput) = await RunAsync("users", "grant-role", user.User.Id.ToString(), "auditor");
        granted.ShouldBe(0, grantOutput);
        (await fixture.Host.ProfileAsync(user)).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldContain("auditor");

        var (revoked, revokeOutput) = await RunAsync("users", "revoke-role", user.User.Id.ToString(), "auditor");
        revoked.ShouldBe(0, revokeOutput);
        (await fixture.Host.ProfileAsync(user)).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldNotContain("auditor");

        (await RunAsync("users", "grant-role", $"nobody-{Guid.NewGuid():N}", "admin")).ExitCode.ShouldNotBe(0, "an unknown user fails the command");
    }

    private static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => XyloCli.RunAsync(args);
}
