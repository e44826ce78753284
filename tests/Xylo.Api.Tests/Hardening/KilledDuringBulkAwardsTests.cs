using System.Collections.Concurrent;
using System.Net.Http.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Features.Points;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Points;

namespace Xylo.Api.Tests.Hardening;

/// <summary>
/// The API as a process of its own, killed with SIGKILL while bulk awards (several batches, one transaction each) are in
/// flight: every entry it acknowledged is in the log exactly once, an entry is never in it twice, and sending every
/// request again (as a client whose answer was lost does) credits each entry exactly once in all.
/// </summary>
public sealed class KilledDuringBulkAwardsTests : IAsyncLifetime
{
    private const string IntegrationKey = "killed-bulk-awards-integration-key-3f9c2a71";
    private const int Workers = 3;
    private const int UsersPerWorker = 4;
    private const int EntriesPerRequest = 1_200; // three batches of AwardPointsEndpoint.BatchSize
    private FakeX _x = null!;
    private IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _x = await FakeX.StartAsync();
        _host = await XyloHost.StartAsync(new Dictionary<string, string?>(_x.HostSettings()) { ["INTEGRATION_API_KEYS"] = IntegrationKey });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _x.DisposeAsync();
    }

    [Fact]
    public async Task Acknowledged_entries_are_in_the_log_once_and_a_retry_after_the_kill_credits_each_entry_exactly_once()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var users = new List<Guid>();
        for (var i = 0; i < Workers * UsersPerWorker; i++) users.Add((await XSignIn.SignInWithXAsync(_host, _x)).User.Id);
        var run = Guid.NewGuid().ToString("N")[..8];

        // Each worker awards its own users only, so the workers never race on an account.
        var sent = new ConcurrentBag<AwardRequest>();
        var acknowledged = new ConcurrentBag<string>();
        var lost = 0;
        await using (var api = await ApiHostProcess.StartAsync(new Dictionary<string, string?> { ["INTEGRATION_API_KEYS"] = IntegrationKey }))
        {
            using var killed = new CancellationTokenSource();
            var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
            {
                var mine = users.Skip(worker * UsersPerWorker).Take(UsersPerWorker).ToList();
                for (var n = 0; !killed.IsCancellationRequested; n++)
                {
                    var request = new AwardRequest(null, null, null, null, Enumerable.Range(0, EntriesPerRequest)
                        .Select(i => new AwardEntry(mine[i % mine.Count], 1, "bulk under a kill", $"kill-{run}-{worker}-{n}-{i}")).ToList());
                    sent.Add(request);
                    try
                    {
                        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri("/points/awards", UriKind.Relative)) { Content = JsonContent.Create(request) };
                        message.Headers.Add("X-Api-Key", IntegrationKey);
                        using var response = await api.SendAsync(message, CancellationToken.None);
                        response.EnsureSuccessStatusCode();
                        var answer = (await response.Content.ReadFromJsonAsync<AwardResponse>(CancellationToken.None))!;
                        foreach (var result in answer.Results.Where(r => r.Status == "awarded")) acknowledged.Add(request.Awards![result.Index].Source!);
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref lost);
                        return; // the process is gone
                    }
                }
            }, CancellationToken.None)).ToList();

            // Let some requests be answered, then kill the process while the others are in the middle of their batches.
            await Eventually.Get(() => Task.FromResult(acknowledged.Count), n => n >= EntriesPerRequest, TimeSpan.FromSeconds(120));
            await Task.Delay(TimeSpan.FromMilliseconds(400), cancellation);
            await killed.CancelAsync();
            await api.KillAsync();
            await Task.WhenAll(workers);
        }

        lost.ShouldBeGreaterThan(0, "the kill landed while requests were in flight");
        var store = _host.Services.GetRequiredService<IDocumentStore>();
        var afterKill = await SourcesInTheLogAsync(store, run, cancellation);
        afterKill.Where(s => s.Value > 1).Select(s => s.Key).ShouldBeEmpty("no entry twice");
        acknowledged.Where(source => !afterKill.ContainsKey($"award:{source}")).ShouldBeEmpty("every acknowledged entry is in the log");

        // The client sends every request again (its answers were lost): each entry ends up credited exactly once.
        foreach (var request in sent)
        {
            var retry = await _host.Scenario(s =>
            {
                s.Post.Json(request).ToUrl("/points/awards");
                s.WithRequestHeader("X-Api-Key", IntegrationKey);
            });
            var answer = await retry.ReadJsonAsync<AwardResponse>();
            answer.Results.Where(r => r.Status is not ("awarded" or "duplicate")).Select(r => $"{r.Index}: {r.Status} {r.Error}").ShouldBeEmpty();
        }

        var afterRetry = await SourcesInTheLogAsync(store, run, cancellation);
        afterRetry.Count.ShouldBe(sent.Count * EntriesPerRequest, "every entry sent is credited");
        afterRetry.Where(s => s.Value != 1).Select(s => s.Key).ShouldBeEmpty("each entry exactly once");
        TestContext.Current.AddAttachment("killed-during-bulk-awards",
            $"{sent.Count} requests of {EntriesPerRequest}: {acknowledged.Count} entries acknowledged before the kill, {afterKill.Count} in the log after it, {lost} requests cut");
    }

    private static async Task<Dictionary<string, int>> SourcesInTheLogAsync(IDocumentStore store, string run, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var prefix = $"award:kill-{run}-";
        return (await session.Events.QueryRawEventDataOnly<PointsEarned>().Where(e => e.Source.StartsWith(prefix)).ToListAsync(cancellation))
            .GroupBy(e => e.Source).ToDictionary(g => g.Key, g => g.Count());
    }
}
