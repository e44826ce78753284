using Alba;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shouldly;
using Xylo.Api.Chain;
using Xylo.Api.Features.Mints;
using Xylo.Api.Tests.Support;
using Xylo.Projections.Mints;

namespace Xylo.Api.Tests.Mints;

/// <summary>The receipt watcher's cost is bounded: a page of broadcast mints per look, and no receipts for a mint whose block stands.</summary>
[Collection(MintCollection.Name)]
public sealed class MintReceiptWatcherTests(MintFixture fixture)
{
    private IAlbaHost Host => fixture.Host;

    [Fact]
    public async Task Broadcast_mints_are_read_a_page_per_look_and_every_one_is_looked_at_in_turn()
    {
        try
        {
            // Not replaced while the test looks (an overdue transaction would be tracked without a block).
            var accepted = await fixture.BroadcastUnminedAsync(5);

            // A watcher of the test's own, two mints a page, at one head (no block is mined meanwhile).
            var watcher = ActivatorUtilities.CreateInstance<MintReceiptWatcher>(Host.Services,
                Options.Create(new MintPipelineOptions { ReplaceAfterSeconds = 120 }));
            var looked = new HashSet<Guid>();
            for (var look = 0; look < 10 && !accepted.All(m => looked.Contains(m.MintId)); look++)
            {
                var page = await watcher.LookAsync(TestContext.Current.CancellationToken, page: 2);
                page.Count.ShouldBeLessThanOrEqualTo(2);
                looked.UnionWith(page);
            }

            accepted.Select(m => m.MintId).ShouldBeSubsetOf(looked, "each broadcast mint is looked at within a round of pages");
            var receipts = fixture.Proxy.Calls("eth_getTransactionReceipt");
            (await watcher.LookAsync(TestContext.Current.CancellationToken, page: 2)).Count.ShouldBeLessThanOrEqualTo(2);
            (fixture.Proxy.Calls("eth_getTransactionReceipt") - receipts).ShouldBe(0, "no block was mined since the round: every transaction was looked at");

            await fixture.Anvil.MineAsync();
            foreach (var mint in accepted) await Host.WaitForMintAsync(mint.MintId, MintView.Confirmed);
        }
        finally
        {
            await fixture.Anvil.SetAutomineAsync(true);
            await fixture.RestartHostAsync();
        }
    }

    [Fact]
    public async Task A_mint_waiting_for_its_depth_costs_a_block_hash_per_block_and_no_receipts_until_it_is_deep_enough()
    {
        await fixture.RestartHostAsync(overrides: new Dictionary<string, string?> { ["Mints:ConfirmationDepth"] = "4" });
        try
        {
            var admin = await Host.DevSignInAsync(null, "admin");
            var reward = await Host.CreateRewardAsync(admin, cost: 10);
            var (fan, _) = await fixture.FanWithWalletAsync();
            var accepted = await Host.RequestMintAsync(fan, reward.Id);
            await Eventually.Get(() => Host.MintAsync(accepted.MintId), m => m?.BlockNumber is not null, TimeSpan.FromSeconds(30));

            // Two new blocks, each looked at by a watcher of the test's own (the host's looks too, on its own polls), with
            // the mint still two short of its depth: every look asks for the block hash of its height, no receipt.
            var watcher = ActivatorUtilities.CreateInstance<MintReceiptWatcher>(Host.Services);
            var receipts = fixture.Proxy.Calls("eth_getTransactionReceipt");
            for (var block = 0; block < 2; block++)
            {
                await fixture.Anvil.MineAsync();
                (await watcher.LookAsync(TestContext.Current.CancellationToken)).ShouldContain(accepted.MintId, "the mint is looked at at the new head");
            }

            (fixture.Proxy.Calls("eth_getTransactionReceipt") - receipts).ShouldBe(0, "its block still stands: no receipt asked for");
            (await Host.MintAsync(accepted.MintId))!.Status.ShouldBe(MintView.Broadcast);

            await fixture.Anvil.MineAsync();
            await Host.WaitForMintAsync(accepted.MintId, MintView.Confirmed);
        }
        finally
        {
            await fixture.RestartHostAsync();
        }
    }
}
