using System.Net;
using System.Text.Json;
using Alba;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Idempotency;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Users;

namespace Xylo.Api.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class IdempotencyTests(AppFixture fixture)
{
    private const string Replays = "xylo_idempotent_replays_total{route=\"/probe/counter/{name}\"}";
    private const string Mismatches = "xylo_idempotency_conflicts_total{route=\"/probe/counter/{name}\",reason=\"different_request\"}";
    private const string StillRunning = "xylo_idempotency_conflicts_total{route=\"/probe/counter/{name}\",reason=\"in_progress\"}";

    private readonly IPAddress _peer = Identity.UniquePeer();

    [Fact]
    public void Wolverine_carries_the_attribute_into_the_endpoint_metadata()
    {
        var endpoints = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        endpoints.Single(e => e.RoutePattern.RawText == "/probe/counter/{name}").Metadata.GetMetadata<IdempotentAttribute>().ShouldNotBeNull();
        endpoints.Single(e => e.RoutePattern.RawText == "/probe/plain-counter/{name}").Metadata.GetMetadata<IdempotentAttribute>().ShouldBeNull();
    }

    [Fact]
    public async Task A_retry_gets_the_original_response_without_running_again()
    {
        var (name, key) = NewNameAndKey();
        var before = await ScrapeAsync();

        var first = await CountAsync(name, key);
        var retry = await CountAsync(name, key);

        first.Context.Response.StatusCode.ShouldBe(201);
        first.Context.Response.Headers.ContainsKey(IdempotentRequest.ReplayedHeader).ShouldBeFalse();
        retry.Context.Response.StatusCode.ShouldBe(201);
        retry.Context.Response.Headers[IdempotentRequest.ReplayedHeader].ToString().ShouldBe("true");
        retry.Context.Response.ContentType.ShouldBe(first.Context.Response.ContentType);
        retry.Context.Response.Headers.Location.ToString().ShouldBe(first.Context.Response.Headers.Location.ToString());
        (await retry.ReadAsTextAsync()).ShouldBe(await first.ReadAsTextAsync());
        (await EffectsAsync(name)).ShouldBe(1);
        (MetricsText.Value(await ScrapeAsync(), Replays) - MetricsText.Value(before, Replays)).ShouldBe(1);
    }

    [Fact]
    public async Task The_same_key_for_a_different_request_is_a_409_and_runs_nothing()
    {
        var (name, key) = NewNameAndKey();
        await CountAsync(name, key, amount: 1);
        var before = await ScrapeAsync();

        var otherBody = await CountAsync(name, key, amount: 2);
        var otherRoute = await CountAsync(name + "-elsewhere", key, amount: 1);

        foreach (var result in new[] { otherBody, otherRoute })
        {
            result.Context.Response.StatusCode.ShouldBe(409);
            result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
            (await result.ReadJsonAsync()).GetProperty("detail").GetString().ShouldBe(IdempotencyMiddleware.DifferentRequestDetail);
        }

        (await EffectsAsync(name)).ShouldBe(1);
        (await EffectsAsync(name + "-elsewhere")).ShouldBe(0);
        (MetricsText.Value(await ScrapeAsync(), Mismatches) - MetricsText.Value(before, Mismatches)).ShouldBe(2);
    }

    [Fact]
    public async Task Twenty_concurrent_identical_requests_run_once_and_all_get_the_same_response()
    {
        var (name, key) = NewNameAndKey();
        var gate = ProbeGates.Close(name);

        var requests = Enumerable.Range(0, 20).Select(_ => Task.Run(() => CountAsync(name, key))).ToList();
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        gate.Open();
        var results = await Task.WhenAll(requests);

        results.ShouldAllBe(r => r.Context.Response.StatusCode == 201);
        var bodies = await Task.WhenAll(results.Select(r => r.ReadAsTextAsync()));
        bodies.Distinct().Count().ShouldBe(1);
        results.Count(r => r.Context.Response.Headers[IdempotentRequest.ReplayedHeader] == "true").ShouldBe(19);
        (await EffectsAsync(name)).ShouldBe(1);
    }

    [Fact]
    public async Task A_duplicate_of_a_request_still_running_after_the_wait_is_a_409_with_retry_after()
    {
        var (name, key) = NewNameAndKey();
        var gate = ProbeGates.Close(name);
        var before = await ScrapeAsync();

        var first = CountAsync(name, key);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var duplicate = await CountAsync(name, key);
        gate.Open();

        duplicate.Context.Response.StatusCode.ShouldBe(409);
        duplicate.Context.Response.Headers.RetryAfter.ToString().ShouldBe("1");
        (await duplicate.ReadJsonAsync()).GetProperty("detail").GetString().ShouldBe(IdempotencyMiddleware.InProgressDetail);
        (await first).Context.Response.StatusCode.ShouldBe(201);
        (await CountAsync(name, key)).Context.Response.Headers[IdempotentRequest.ReplayedHeader].ToString().ShouldBe("true");
        (await EffectsAsync(name)).ShouldBe(1);
        (MetricsText.Value(await ScrapeAsync(), StillRunning) - MetricsText.Value(before, StillRunning)).ShouldBe(1);
    }

    [Fact]
    public async Task A_client_error_is_replayed_too()
    {
        var (name, key) = NewNameAndKey();

        var first = await PostAsync($"/probe/refusal/{name}", key);
        var retry = await PostAsync($"/probe/refusal/{name}", key);

        first.Context.Response.StatusCode.ShouldBe(422);
        retry.Context.Response.StatusCode.ShouldBe(422);
        retry.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        retry.Context.Response.Headers[IdempotentRequest.ReplayedHeader].ToString().ShouldBe("true");
        (await retry.ReadAsTextAsync()).ShouldBe(await first.ReadAsTextAsync());
        ProbeRuns.Of(name).ShouldBe(1);
    }

    [Theory]
    [InlineData("503")]
    [InlineData("throw")]
    public async Task A_server_error_releases_the_key_so_a_retry_runs(string failure)
    {
        var (name, key) = NewNameAndKey();
        var url = $"/probe/flaky/{name}?failure={failure}";

        var failed = await PostAsync(url, key);
        var retry = await PostAsync(url, key);
        var again = await PostAsync(url, key);

        failed.Context.Response.StatusCode.ShouldBeOneOf(500, 503);
        retry.Context.Response.StatusCode.ShouldBe(201);
        retry.Context.Response.Headers.ContainsKey(IdempotentRequest.ReplayedHeader).ShouldBeFalse();
        again.Context.Response.Headers[IdempotentRequest.ReplayedHeader].ToString().ShouldBe("true");
        (await again.ReadAsTextAsync()).ShouldBe(await retry.ReadAsTextAsync());
        ProbeRuns.Of(name).ShouldBe(2);
    }

    [Fact]
    public async Task A_response_too_large_to_store_is_sent_and_its_key_released()
    {
        var (name, key) = NewNameAndKey();

        var first = await PostAsync($"/probe/large/{name}", key);
        var retry = await PostAsync($"/probe/large/{name}", key);

        (await first.ReadAsTextAsync()).Length.ShouldBe(LargeProbeEndpoint.Length);
        retry.Context.Response.StatusCode.ShouldBe(200);
        retry.Context.Response.Headers.ContainsKey(IdempotentRequest.ReplayedHeader).ShouldBeFalse();
        ProbeRuns.Of(name).ShouldBe(2);
    }

    [Fact]
    public async Task Keys_are_scoped_by_caller()
    {
        var (name, key) = NewNameAndKey();
        var alice = await SignInAsync();
        var bob = await SignInAsync();

        var fromOneAddress = await CountAsync(name, key);
        var fromAnother = await CountAsync(name, key, peer: Identity.UniquePeer());
        var asAlice = await CountAsync(name, key, user: alice);
        var asBob = await CountAsync(name, key, user: bob);
        var asAliceElsewhere = await CountAsync(name, key, user: alice, peer: Identity.UniquePeer());
        var asBobWithAnotherBody = await CountAsync(name, key, amount: 7, user: bob, peer: Identity.UniquePeer());

        var runs = new[] { fromOneAddress, fromAnother, asAlice, asBob };
        runs.ShouldAllBe(r => r.Context.Response.StatusCode == 201 && !r.Context.Response.Headers.ContainsKey(IdempotentRequest.ReplayedHeader));
        (await Task.WhenAll(runs.Select(r => r.ReadAsTextAsync()))).Distinct().Count().ShouldBe(4);
        asAliceElsewhere.Context.Response.Headers[IdempotentRequest.ReplayedHeader].ToString().ShouldBe("true");
        (await asAliceElsewhere.ReadAsTextAsync()).ShouldBe(await asAlice.ReadAsTextAsync());
        asBobWithAnotherBody.Context.Response.StatusCode.ShouldBe(409);
        (await EffectsAsync(name)).ShouldBe(4);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\tinside")]
    [InlineData("clé")]
    [InlineData("new\u0001line")]
    [InlineData(null)]
    public async Task A_malformed_key_is_a_400_and_runs_nothing(string? key)
    {
        var name = NewNameAndKey().Name;

        var result = await CountAsync(name, key ?? new string('k', IdempotentRequest.MaxKeyLength + 1));

        result.Context.Response.StatusCode.ShouldBe(400);
        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        (await result.ReadJsonAsync()).GetProperty("detail").GetString()!.ShouldContain(IdempotentRequest.Header);
        (await EffectsAsync(name)).ShouldBe(0);
    }

    [Fact]
    public async Task The_longest_key_and_every_printable_character_are_accepted()
    {
        var name = NewNameAndKey().Name;
        var printable = new string(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).ToArray());

        (await CountAsync(name, new string('k', IdempotentRequest.MaxKeyLength))).Context.Response.StatusCode.ShouldBe(201);
        (await CountAsync(name, printable)).Context.Response.StatusCode.ShouldBe(201);
        (await CountAsync(name, printable)).Context.Response.Headers[IdempotentRequest.ReplayedHeader].ToString().ShouldBe("true");
        (await EffectsAsync(name)).ShouldBe(2);
    }

    [Fact]
    public async Task Without_the_header_every_request_runs()
    {
        var name = NewNameAndKey().Name;

        var first = await CountAsync(name, key: null);
        var second = await CountAsync(name, key: null);

        second.Context.Response.StatusCode.ShouldBe(201);
        second.Context.Response.Headers.ContainsKey(IdempotentRequest.ReplayedHeader).ShouldBeFalse();
        (await second.ReadAsTextAsync()).ShouldNotBe(await first.ReadAsTextAsync());
        (await EffectsAsync(name)).ShouldBe(2);
    }

    [Fact]
    public async Task An_endpoint_that_did_not_opt_in_ignores_the_header()
    {
        var (name, key) = NewNameAndKey();

        await PostAsync($"/probe/plain-counter/{name}", key);
        var second = await PostAsync($"/probe/plain-counter/{name}", key);

        second.Context.Response.StatusCode.ShouldBe(200);
        second.Context.Response.Headers.ContainsKey(IdempotentRequest.ReplayedHeader).ShouldBeFalse();
        ProbeRuns.Of(name).ShouldBe(2);
    }

    [Fact]
    public async Task The_cleaner_deletes_records_past_their_retention_and_the_key_runs_again()
    {
        var (name, key) = NewNameAndKey();
        var cleaner = fixture.Host.Services.GetRequiredService<IdempotencyCleaner>();
        var now = fixture.Host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await CountAsync(name, key);

        await cleaner.DeleteExpiredAsync(now + TimeSpan.FromHours(47), TestContext.Current.CancellationToken);
        (await RecordAsync(key)).ShouldNotBeNull();
        (await CountAsync(name, key)).Context.Response.Headers[IdempotentRequest.ReplayedHeader].ToString().ShouldBe("true");

        (await cleaner.DeleteExpiredAsync(now + TimeSpan.FromHours(49), TestContext.Current.CancellationToken)).ShouldBeGreaterThanOrEqualTo(1);
        (await RecordAsync(key)).ShouldBeNull();
        var afterCleanup = await CountAsync(name, key);

        afterCleanup.Context.Response.StatusCode.ShouldBe(201);
        afterCleanup.Context.Response.Headers.ContainsKey(IdempotentRequest.ReplayedHeader).ShouldBeFalse();
        (await EffectsAsync(name)).ShouldBe(2);
    }

    [Fact]
    public async Task A_request_left_in_progress_past_its_lease_is_taken_over()
    {
        var (name, key) = NewNameAndKey();
        var first = await CountAsync(name, key);
        await RewriteRecordAsync(key, record => record with
        {
            // What a process that died mid-request leaves behind.
            CompletedAt = null, StatusCode = null, ContentType = null, Location = null, Body = null,
            StartedAt = record.StartedAt.AddMinutes(-5),
            LeaseExpiresAt = record.StartedAt.AddMinutes(-4),
        });

        var retry = await CountAsync(name, key);
        var again = await CountAsync(name, key);

        retry.Context.Response.StatusCode.ShouldBe(201);
        retry.Context.Response.Headers.ContainsKey(IdempotentRequest.ReplayedHeader).ShouldBeFalse();
        (await retry.ReadAsTextAsync()).ShouldNotBe(await first.ReadAsTextAsync());
        (await again.ReadAsTextAsync()).ShouldBe(await retry.ReadAsTextAsync());
        (await EffectsAsync(name)).ShouldBe(2);
    }

    [Fact]
    public async Task A_request_whose_key_was_taken_over_does_not_overwrite_the_new_response()
    {
        var (name, key) = NewNameAndKey();
        var gate = ProbeGates.Close(name);
        var presumedDead = CountAsync(name, key);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await RewriteRecordAsync(key, record => record with { LeaseExpiresAt = record.StartedAt.AddMinutes(-1) });

        var takeover = CountAsync(name, key);
        await Eventually.Get(() => Task.FromResult(ProbeRuns.Of(name)), runs => runs == 2);
        gate.Open();
        var (late, current) = (await presumedDead, await takeover);
        var retry = await CountAsync(name, key);

        late.Context.Response.StatusCode.ShouldBe(201);
        current.Context.Response.StatusCode.ShouldBe(201);
        retry.Context.Response.Headers[IdempotentRequest.ReplayedHeader].ToString().ShouldBe("true");
        (await retry.ReadAsTextAsync()).ShouldBe(await current.ReadAsTextAsync());
        (await EffectsAsync(name)).ShouldBe(2);
    }

    [Fact]
    public async Task A_record_past_its_retention_frees_the_key_before_the_cleaner_runs()
    {
        var (name, key) = NewNameAndKey();
        await CountAsync(name, key, amount: 1);
        await RewriteRecordAsync(key, record => record with { ExpiresAt = record.StartedAt.AddMinutes(-1) });

        var reused = await CountAsync(name, key, amount: 2);

        reused.Context.Response.StatusCode.ShouldBe(201);
        reused.Context.Response.Headers.ContainsKey(IdempotentRequest.ReplayedHeader).ShouldBeFalse();
        (await EffectsAsync(name)).ShouldBe(2);
    }

    private static (string Name, string Key) NewNameAndKey() => ($"n{Guid.NewGuid():N}", $"key-{Guid.NewGuid()}");

    private Task<IScenarioResult> CountAsync(string name, string? key, int amount = 1, IPAddress? peer = null, TokenResponse? user = null) =>
        fixture.Host.Scenario(s =>
        {
            s.Post.Json(new CountRequest(amount)).ToUrl($"/probe/counter/{name}");
            Prepare(s, key, peer, user);
        });

    private Task<IScenarioResult> PostAsync(string url, string key) =>
        fixture.Host.Scenario(s =>
        {
            s.Post.Url(url);
            Prepare(s, key, peer: null, user: null);
        });

    private void Prepare(Scenario scenario, string? key, IPAddress? peer, TokenResponse? user)
    {
        if (key is not null) scenario.WithRequestHeader(IdempotentRequest.Header, key);
        if (user is not null) scenario.WithBearer(user);
        scenario.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = peer ?? _peer);
        scenario.IgnoreStatusCode();
    }

    private async Task<TokenResponse> SignInAsync()
    {
        var handle = $"idem-{Guid.NewGuid():N}"[..20];
        var outcome = await fixture.Host.Services.GetRequiredService<SignInService>()
            .SignInAsync(new ExternalIdentity(ExternalLogin.Development, handle, handle), [], TestContext.Current.CancellationToken);
        return outcome.ShouldBeOfType<SignInOutcome.SignedIn>().Tokens;
    }

    private async Task<int> EffectsAsync(string name)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.QueryRawEventDataOnly<ProbeCounted>().CountAsync(e => e.Name == name, TestContext.Current.CancellationToken);
    }

    private async Task<IdempotencyRecord?> RecordAsync(string key)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Query<IdempotencyRecord>().SingleOrDefaultAsync(r => r.Key == key, TestContext.Current.CancellationToken);
    }

    private async Task RewriteRecordAsync(string key, Func<IdempotencyRecord, IdempotencyRecord> change)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        var record = await session.Query<IdempotencyRecord>().SingleAsync(r => r.Key == key, TestContext.Current.CancellationToken);
        session.Update(change(record));
        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    private async Task<string> ScrapeAsync()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/metrics");
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadAsTextAsync();
    }
}
