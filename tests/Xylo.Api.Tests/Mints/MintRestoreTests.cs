using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Tests.Recovery;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Mints;
using Xylo.Projections.Mints;
using MintAccepted = Xylo.Api.Features.Mints.MintAccepted;

namespace Xylo.Api.Tests.Mints;

/// <summary>Pending chain work is derived from the event log: a database restored from the archive completes what was in flight.</summary>
[Collection(MintCollection.Name)]
public sealed class MintRestoreTests(MintFixture fixture)
{
    private IAlbaHost Host => fixture.Host;

    [Fact]
    public async Task Mints_in_flight_when_the_archive_was_taken_complete_exactly_once_after_a_restore_into_a_fresh_database()
    {
        var live = await TestDatabases.CreateAsync("xylo_mints_live");
        var restored = await TestDatabases.CreateAsync("xylo_mints_restored");
        var archive = Path.Combine(Path.GetTempPath(), "xylo-archive-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await fixture.RestartHostAsync(overrides: new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = live,
                ["Archive:Enabled"] = "true",
                ["Archive:Directory"] = archive,
                ["Archive:SegmentSeconds"] = "0.2",
            });
            var admin = await Host.DevSignInAsync(null, "admin");
            var reward = await Host.CreateRewardAsync(admin, cost: 10);
            var fans = new List<Xylo.Api.Features.Auth.TokenResponse>();
            for (var i = 0; i < 3; i++) fans.Add((await fixture.FanWithWalletAsync()).User);

            // One mint done before the archive: replayed from the start of the log after the restore, and skipped.
            var done = await Host.RequestMintAsync(fans[0], reward.Id);
            await Host.WaitForMintAsync(done.MintId, MintView.Confirmed, seconds: 60);

            // The rest requested while the node is down: queued, never signed, when the archive is taken.
            await fixture.Anvil.StopAsync();
            var inFlight = new List<MintAccepted>();
            foreach (var fan in fans) inFlight.Add(await Host.RequestMintAsync(fan, reward.Id));
            inFlight.Add(await Host.RequestMintAsync(fans[1], reward.Id));
            foreach (var mint in inFlight) (await Host.MintAsync(mint.MintId))!.Status.ShouldBe(MintView.Queued);
            await using (var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession())
            {
                var last = (await session.QueryAsync<long>("select max(seq_id) from xylo.mt_events", TestContext.Current.CancellationToken))[0];
                await RecoveryFixture.WaitUntilArchivedAsync(Host, last);
            }

            await fixture.RestartHostAsync(whileDown: async () =>
            {
                var (code, output) = await XyloCli.RunAsync("recovery", "restore", "--archive", archive, "--database-url", restored);
                code.ShouldBe(0, output);
                await fixture.Anvil.StartAsync();
            }, overrides: new Dictionary<string, string?> { ["DATABASE_URL"] = restored });

            var tokens = new List<long>();
            var nonces = new List<long>();
            foreach (var mint in inFlight.Prepend(done))
            {
                var confirmed = await Host.WaitForMintAsync(mint.MintId, MintView.Confirmed, seconds: 60);
                (await fixture.Admin.MintLogsForRequestAsync(fixture.Deployment.RewardsContract, mint.RequestId)).ShouldBe(1, $"one token for mint {mint.MintId}");
                tokens.Add(confirmed.TokenId!.Value);
                nonces.Add(confirmed.Nonce!.Value);
                await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
                var history = (await session.Events.FetchStreamAsync(mint.MintId, token: TestContext.Current.CancellationToken)).Select(e => e.Data).ToList();
                history.OfType<MintTransactionSigned>().Count().ShouldBe(1, $"mint {mint.MintId} signed once");
                history.OfType<MintConfirmed>().Count().ShouldBe(1, $"mint {mint.MintId} confirmed once");
            }

            tokens.Distinct().Count().ShouldBe(inFlight.Count + 1);
            nonces.Distinct().Count().ShouldBe(inFlight.Count + 1);
            var chain = await Host.GetJsonAsync<Xylo.Api.Features.Contracts.ChainStatus>("/admin/chain", await Host.DevSignInAsync(null, "admin"));
            chain!.Nonces.Local.ShouldBe(chain.Nonces.ChainLatest, "no nonce taken without its transaction");
        }
        finally
        {
            if (!fixture.Anvil.IsRunning) await fixture.Anvil.StartAsync();
            await fixture.RestartHostAsync();
            await TestDatabases.DropAsync(live);
            await TestDatabases.DropAsync(restored);
        }
    }
}
