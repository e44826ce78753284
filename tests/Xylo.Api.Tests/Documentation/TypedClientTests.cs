using Alba;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using Shouldly;
using Xylo.Api.Tests.Support;
using Xylo.Client;
using Xylo.Client.Models;

namespace Xylo.Api.Tests.Documentation;

/// <summary>
/// End-to-end calls through the generated client (src/Xylo.Client), so the document is exercised by real calls: a field it
/// names wrongly, a status it leaves out or a scheme it forgets fails here.
/// </summary>
[Collection(DevelopmentCollection.Name)]
public sealed class TypedClientTests(DevelopmentFixture fixture)
{
    private HttpClient Http() => new(KiotaClientFactory.ChainHandlersCollectionAndGetFirstLink(fixture.Host.Server.CreateHandler(),
        [.. KiotaClientFactory.CreateDefaultHandlers()])!) { BaseAddress = fixture.Host.Server.BaseAddress };

    private async Task<(TokenResponse Tokens, XyloApiClient Client)> SignInAsync(params string[] roles)
    {
        var tokens = (await XyloClients.Anonymous(Http()).Auth.Dev.SignIn.PostAsync(new DevSignInRequest
        {
            Handle = $"client-{Guid.NewGuid():N}"[..24],
            Roles = [.. roles],
        }, cancellationToken: TestContext.Current.CancellationToken))!;
        await fixture.Host.WaitForSignUpBonusAsync(tokens.User!.Id!.Value);
        return (tokens, XyloClients.WithBearer(Http(), tokens.AccessToken!));
    }

    [Fact]
    public async Task A_fan_signs_in_and_reads_profile_and_points()
    {
        var (tokens, client) = await SignInAsync();

        var profile = (await client.Me.GetAsync(cancellationToken: TestContext.Current.CancellationToken))!;
        profile.Id.ShouldBe(tokens.User!.Id);
        profile.Handle.ShouldBe(tokens.User.Handle);

        var points = (await client.Me.Points.GetAsync(cancellationToken: TestContext.Current.CancellationToken))!;
        points.Available.ShouldNotBeNull();
        points.Available.Value.ShouldBeGreaterThan(0, "the sign-up bonus");
    }

    [Fact]
    public async Task A_protected_operation_without_a_token_raises_the_documented_401_problem()
    {
        var failure = await Should.ThrowAsync<ApiException>(() =>
            XyloClients.Anonymous(Http()).Me.GetAsync(cancellationToken: TestContext.Current.CancellationToken));

        failure.ResponseStatusCode.ShouldBe(401);
    }

    [Fact]
    public async Task Invalid_input_raises_a_problem_naming_the_field()
    {
        var (_, client) = await SignInAsync();

        var problem = await Should.ThrowAsync<ProblemDetails>(() => client.Me.Youtube.Claims.PostAsync(
            new ClaimChannelRequest { ChannelId = "not-a-channel" }, cancellationToken: TestContext.Current.CancellationToken));

        problem.ResponseStatusCode.ShouldBe(400);
        problem.Status.ShouldBe(400);
        problem.Errors!.AdditionalData.Keys.ShouldContain("channelId");
    }

    [Fact]
    public async Task A_retried_check_in_with_the_same_idempotency_key_is_replayed()
    {
        var (_, client) = await SignInAsync();
        var key = Guid.NewGuid().ToString();

        async Task<(CheckIn Answer, string? Replayed)> CheckInAsync()
        {
            var headers = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
            var answer = await client.Me.Checkins.PostAsync(request =>
            {
                request.Headers.Add("Idempotency-Key", key);
                request.Options.Add(headers);
            }, TestContext.Current.CancellationToken);
            return (answer!, headers.ResponseHeaders.TryGetValue("Idempotent-Replayed", out var values) ? values.Single() : null);
        }

        var first = await CheckInAsync();
        var retry = await CheckInAsync();

        first.Replayed.ShouldBeNull();
        retry.Replayed.ShouldBe("true");
        retry.Answer.Points.ShouldBe(first.Answer.Points);
        retry.Answer.Date.ShouldBe(first.Answer.Date);
    }

    [Fact]
    public async Task An_admin_creates_a_reward_that_anyone_can_read()
    {
        var (_, admin) = await SignInAsync("admin");
        var name = $"Client badge {Guid.NewGuid():N}";

        var created = (await admin.Admin.Rewards.PostAsync(new CreateRewardRequest
        {
            Name = name,
            Description = "created through the generated client",
            MetadataUri = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
            Cost = 25,
            Supply = 10,
        }, cancellationToken: TestContext.Current.CancellationToken))!;

        var anonymous = XyloClients.Anonymous(Http());
        var read = (await anonymous.Rewards[created.Id!.Value].GetAsync(cancellationToken: TestContext.Current.CancellationToken))!;
        read.Name.ShouldBe(name);
        read.Cost.ShouldBe(25);
        var catalogue = (await anonymous.Rewards.GetAsync(cancellationToken: TestContext.Current.CancellationToken))!;
        catalogue.ShouldContain(reward => reward.Id == created.Id);
    }

    [Fact]
    public async Task A_session_is_refreshed_and_then_ended()
    {
        var (tokens, _) = await SignInAsync();
        var anonymous = XyloClients.Anonymous(Http());

        var refreshed = (await anonymous.Auth.Refresh.PostAsync(new RefreshRequest { RefreshToken = tokens.RefreshToken },
            cancellationToken: TestContext.Current.CancellationToken))!;
        refreshed.RefreshToken.ShouldNotBe(tokens.RefreshToken);

        await anonymous.Auth.Logout.PostAsync(new RefreshRequest { RefreshToken = refreshed.RefreshToken },
            cancellationToken: TestContext.Current.CancellationToken);
        var refused = await Should.ThrowAsync<ApiException>(() => anonymous.Auth.Refresh.PostAsync(
            new RefreshRequest { RefreshToken = refreshed.RefreshToken }, cancellationToken: TestContext.Current.CancellationToken));
        refused.ResponseStatusCode.ShouldBe(401);
    }
}
