using Shouldly;
using Xylo.Domain.Users;

namespace Xylo.Domain.Tests.Users;

public sealed class RegisterUserTests
{
    [Fact]
    public void A_first_x_sign_in_claims_the_login_and_registers_a_user_with_the_x_account()
    {
        var userId = Guid.CreateVersion7();

        var (login, events) = RegisterUserDecision.Decide(new RegisterUser(userId, ExternalLogin.X, "12345", "Fan Name", "fan"), Given.Now).Value!;

        login.ShouldBe(new ExternalLoginClaimed(ExternalLogin.IdFor("x", "12345"), "x", "12345", userId, Given.Now));
        events.ShouldBe([
            new UserRegistered(userId, "Fan Name", "x", Given.Now),
            new XAccountLinked(userId, "12345", "fan", Given.Now),
        ]);
    }

    [Fact]
    public void A_development_sign_in_registers_without_an_x_account()
    {
        var userId = Guid.CreateVersion7();

        var (_, events) = RegisterUserDecision.Decide(new RegisterUser(userId, ExternalLogin.Development, "alice", "alice", null), Given.Now).Value!;

        events.ShouldBe([new UserRegistered(userId, "alice", "dev", Given.Now)]);
    }

    [Fact]
    public void The_same_provider_identity_always_maps_to_the_same_login_stream()
    {
        ExternalLogin.IdFor("x", "42").ShouldBe(ExternalLogin.IdFor("x", "42"));
        ExternalLogin.IdFor("x", "42").ShouldNotBe(ExternalLogin.IdFor("dev", "42"));
    }
}
