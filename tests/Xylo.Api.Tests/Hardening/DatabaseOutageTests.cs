using System.Collections.Concurrent;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Features.Points;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Points;

namespace Xylo.Api.Tests.Hardening;

/// <summary>
/// PostgreSQL goes away under write load and comes back (every connection of this host runs through a proxy that drops
/// them all and refuses new ones, as a restart does): requests in flight answer 503 with Retry-After, never 500; every
/// acknowledged award is in the log exactly once; and the API serves again without a restart.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private const string IntegrationKey = "outage-integration-key-7d1e5a";
    private TcpProxy _proxy = null!;
    private FakeX _x = null!;
    private IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        var database = new Uri(TestStack.DatabaseUrl);
        _proxy = TcpProxy.Start(database.Host, database.Port);
        _x = await FakeX.StartAsync();
        _host = await XyloHost.StartAsync(new Dictionary<string, string?>(_x.HostSettings())
        {
            ["DATABASE_URL"] = new UriBuilder(database) { Port = _proxy.Port }.Uri.ToString(),
            ["INTEGRATION_API_KEYS"] = IntegrationKey,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _x.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task A_database_outage_under_write_load_answers_503_loses_no_acknowledged_award_and_the_api_recovers()
    {
        var users = new List<Guid>();
        for (var i = 0; i < 4; i++) users.Add((await XSignIn.SignInWithXAsync(_host, _x)).User.Id);
        var answers = new ConcurrentBag<(string Source, int Status, string? Outcome, string RetryAfter, DateTimeOffset At)>();
        using var stop = new CancellationTokenSource();

        var workers = users.Select(userId => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var source = $"outage-{userId:N}-{n}";
                var result = await _host.Scenario(s =>
                {
                    s.Post.Json(new AwardEntry(userId, 1, "under load", source)).ToUrl("/points/awards");
                    s.WithRequestHeader("X-Api-Key", IntegrationKey);
                    s.IgnoreStatusCode();
                });
                var status = result.Context.Response.StatusCode;
                var outcome = status == 200 ? (await result.ReadJsonAsync<AwardResponse>()).Results.Single().Status : null;
                answers.Add((source, status, outcome, result.Context.Response.Headers.RetryAfter.ToString(), DateTimeOffset.UtcNow));
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        _proxy.Cut();
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        _proxy.Restore();
        var restoredAt = DateTimeOffset.UtcNow;
        var recovered = await Eventually.Get(() => Task.FromResult(answers.Count(a => a.At > restoredAt && a.Outcome == "awarded")),
            n => n > 0, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        answers.Where(a => a.Status is not (200 or 503 or 409)).Select(a => $"{a.Source}: {a.Status}").ShouldBeEmpty("an outage is a 503 (or a lost race a 409), never a 500");
        answers.Count(a => a.Status == 503).ShouldBeGreaterThan(0, "the outage was seen by requests in flight");
        answers.Where(a => a.Status == 503).ShouldAllBe(a => a.RetryAfter.Length > 0);
        recovered.ShouldBeGreaterThan(0, "awards are credited again after the outage, without restarting the API");

        await using var session = _host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var earned = (await session.Events.QueryRawEventDataOnly<PointsEarned>().Where(e => e.Source.StartsWith("award:outage-")).ToListAsync(TestContext.Current.CancellationToken))
            .GroupBy(e => e.Source).ToDictionary(g => g.Key, g => g.Count());
        earned.Where(e => e.Value > 1).Select(e => e.Key).ShouldBeEmpty("no award twice");
        var acknowledged = answers.Where(a => a.Outcome == "awarded").Select(a => $"award:{a.Source}").ToList();
        acknowledged.Where(source => !earned.ContainsKey(source)).ShouldBeEmpty("every acknowledged award is in the log");
        TestContext.Current.AddAttachment("database-outage", $"{answers.Count} requests: {acknowledged.Count} acknowledged, {answers.Count(a => a.Status == 503)} answered 503, {answers.Count(a => a.Status == 409)} 409; {earned.Count} awards in the log");
    }
}
