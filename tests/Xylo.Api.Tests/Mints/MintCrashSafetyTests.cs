using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Npgsql;
using Shouldly;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Features.Mints;
using Xylo.Api.Tests.Support;
using Xylo.Projections.Mints;

namespace Xylo.Api.Tests.Mints;

/// <summary>Whatever stops in between, a mint ends confirmed with exactly one token for its request.</summary>
[Collection(MintCollection.Name)]
public sealed class MintCrashSafetyTests(MintFixture fixture)
{
    private IAlbaHost Host => fixture.Host;

    [Fact]
    public async Task A_host_stopped_after_signing_and_before_the_broadcast_arrives_confirms_one_token_after_restart()
    {
        var (fan, rewardId) = await FanAndRewardAsync();
        fixture.Proxy.DropBroadcasts = true;
        MintAccepted accepted;
        try
        {
            accepted = await Host.RequestMintAsync(fan, rewardId);
            await Host.WaitForMintAsync(accepted.MintId, MintView.Signed);
            await Eventually.Get(() => Task.FromResult(fixture.Proxy.DroppedBroadcasts), n => n > 0);
            fixture.Proxy.DroppedBroadcasts.ShouldBeGreaterThan(0);

            await fixture.RestartHostAsync(whileDown: () =>
            {
                fixture.Proxy.DropBroadcasts = false;
                return Task.CompletedTask;
            });
        }
        finally
        {
            fixture.Proxy.DropBroadcasts = false;
        }

        await ExactlyOneTokenAsync(accepted);
    }

    [Fact]
    public async Task A_host_stopped_after_the_broadcast_and_before_the_block_confirms_one_token_after_restart()
    {
        var (fan, rewardId) = await FanAndRewardAsync();
        await fixture.Anvil.SetAutomineAsync(false);
        MintAccepted accepted;
        try
        {
            accepted = await Host.RequestMintAsync(fan, rewardId);
            await Host.WaitForMintAsync(accepted.MintId, MintView.Broadcast);

            await fixture.RestartHostAsync(whileDown: () => fixture.Anvil.SetAutomineAsync(true));
            await fixture.Anvil.MineAsync();
        }
        finally
        {
            await fixture.Anvil.SetAutomineAsync(true);
        }

        await ExactlyOneTokenAsync(accepted);
    }

    [Fact]
    public async Task A_transaction_not_mined_in_time_is_replaced_with_the_same_nonce_and_a_higher_fee()
    {
        var (fan, rewardId) = await FanAndRewardAsync();
        await fixture.Anvil.SetAutomineAsync(false);
        MintAccepted accepted;
        MintView first;
        try
        {
            accepted = await Host.RequestMintAsync(fan, rewardId);
            first = await Host.WaitForMintAsync(accepted.MintId, MintView.Broadcast);
            var replaced = await Eventually.Get(() => Host.MintAsync(accepted.MintId), m => m!.TxHash != first.TxHash, TimeSpan.FromSeconds(30));
            replaced!.TxHash.ShouldNotBe(first.TxHash);
            replaced.Nonce.ShouldBe(first.Nonce);
        }
        finally
        {
            await fixture.Anvil.SetAutomineAsync(true);
            await fixture.Anvil.MineAsync();
        }

        var confirmed = await ExactlyOneTokenAsync(accepted);
        confirmed.Nonce.ShouldBe(first.Nonce);
    }

    [Fact]
    public async Task Mints_wait_while_the_chain_node_is_stopped_and_complete_when_it_returns()
    {
        var (fan, rewardId) = await FanAndRewardAsync();
        await fixture.Anvil.StopAsync();
        MintAccepted accepted;
        try
        {
            var mintSelector = ABITypedRegistry.GetFunctionABI<MintFunction>().Sha3Signature;
            var tried = fixture.Proxy.Unanswered("eth_call", mintSelector);
            accepted = await Host.RequestMintAsync(fan, rewardId);
            // The signer's dry run of the mint reached the proxy and found no node behind it: the mint must still be queued.
            (await Eventually.Get(() => Task.FromResult(fixture.Proxy.Unanswered("eth_call", mintSelector)), n => n > tried, TimeSpan.FromSeconds(30)))
                .ShouldBeGreaterThan(tried, "the pipeline never tried the chain while the node was down");
            (await Host.MintAsync(accepted.MintId))!.Status.ShouldBe(MintView.Queued);
        }
        finally
        {
            await fixture.Anvil.StartAsync();
        }

        await ExactlyOneTokenAsync(accepted);
    }

    [Fact]
    public async Task A_mined_block_that_is_reorged_away_sends_the_mint_back_to_broadcast_and_it_still_ends_with_one_token()
    {
        await fixture.RestartHostAsync(overrides: new Dictionary<string, string?> { ["Mints:ConfirmationDepth"] = "3" });
        try
        {
            var (fan, rewardId) = await FanAndRewardAsync();
            var beforeMint = await fixture.Anvil.SnapshotAsync();
            var accepted = await Host.RequestMintAsync(fan, rewardId);
            var mined = await Eventually.Get(() => Host.MintAsync(accepted.MintId), m => m?.BlockNumber is not null, TimeSpan.FromSeconds(30));
            mined!.BlockNumber.ShouldNotBeNull("the transaction was mined but, two blocks short of the depth, not confirmed");
            mined.Status.ShouldBe(MintView.Broadcast);

            (await fixture.Anvil.RevertAsync(beforeMint)).ShouldBeTrue();

            // Mined again after the rebroadcast (automine), then buried under enough blocks.
            await Eventually.Get(async () =>
            {
                await fixture.Anvil.MineAsync();
                return await Host.MintAsync(accepted.MintId);
            }, m => m?.Status == MintView.Confirmed, TimeSpan.FromSeconds(30));
            var confirmed = await ExactlyOneTokenAsync(accepted);
            confirmed.Nonce.ShouldBe(mined.Nonce);
            await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
            var history = await session.Events.FetchStreamAsync(accepted.MintId, token: TestContext.Current.CancellationToken);
            history.Select(e => e.Data).OfType<Xylo.Domain.Mints.MintTransactionReorged>().ShouldNotBeEmpty();
        }
        finally
        {
            await fixture.RestartHostAsync();
        }
    }

    [Fact]
    public async Task A_mint_whose_nonce_another_transaction_took_is_signed_again_with_a_new_nonce_and_the_alert_names_the_nonce()
    {
        var (fan, rewardId) = await FanAndRewardAsync();
        await fixture.Anvil.SetAutomineAsync(false);
        MintAccepted accepted;
        MintView sent;
        try
        {
            accepted = await Host.RequestMintAsync(fan, rewardId);
            sent = await Host.WaitForMintAsync(accepted.MintId, MintView.Broadcast);

            // Someone else signs with the key: a transfer with the mint's nonce and twice its fees takes its place
            // in the pool and is mined, so no transaction of the mint can ever be. (Twice, not far more: the chain
            // is shared by the collection, and its fee suggestions follow the tips of recent blocks.)
            var (maxFee, tip) = await FeesOfAsync(sent.TxHash!);
            var signer = ChainFixture.NewWeb3(fixture.Anvil, MintFixture.SignerAccount);
            await signer.TransactionManager.SendTransactionAsync(new TransactionInput
            {
                From = MintFixture.Signer,
                To = AnvilProcess.Accounts[5].Address,
                Value = new HexBigInteger(1),
                Gas = new HexBigInteger(21_000),
                Nonce = new HexBigInteger(sent.Nonce!.Value),
                MaxFeePerGas = new HexBigInteger(maxFee * 2),
                MaxPriorityFeePerGas = new HexBigInteger(tip * 2),
                Type = new HexBigInteger(2),
            });
            await fixture.Anvil.MineAsync();
        }
        finally
        {
            await fixture.Anvil.SetAutomineAsync(true);
        }

        var confirmed = await ExactlyOneTokenAsync(accepted);
        confirmed.Nonce.ShouldNotBe(sent.Nonce, "signed again with a new nonce");
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var history = await session.Events.FetchStreamAsync(accepted.MintId, token: TestContext.Current.CancellationToken);
        history.Select(e => e.Data).OfType<Xylo.Domain.Mints.MintNonceTakenElsewhere>().ShouldHaveSingleItem().Nonce.ShouldBe(sent.Nonce!.Value);
        await Eventually.Get(() => Task.FromResult(fixture.Slack.Received.ToArray()),
            received => received.Any(m => m.Channel == "#alerts" && m.Text.Contains($"nonce {sent.Nonce} was used by a transaction XYLO did not send", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30));
        fixture.Slack.Received.ShouldContain(m => m.Channel == "#alerts" && m.Text.Contains(accepted.MintId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transaction_reverted_because_the_request_already_has_its_token_confirms_the_mint_instead_of_failing_it()
    {
        var (fan, rewardId) = await FanAndRewardAsync();
        await fixture.Anvil.SetAutomineAsync(false);
        MintAccepted accepted;
        string first;
        try
        {
            accepted = await Host.RequestMintAsync(fan, rewardId);
            var sent = await Host.WaitForMintAsync(accepted.MintId, MintView.Broadcast);

            // Another transaction mints the request's token first in the same block (twice the tip), so the mint's
            // own transaction reverts with RequestAlreadyMinted: the fan has the token all the same.
            var (maxFee, tip) = await FeesOfAsync(sent.TxHash!);
            first = await fixture.Admin.Eth.GetContractTransactionHandler<MintFunction>().SendRequestAsync(fixture.Deployment.RewardsContract, new MintFunction
            {
                To = sent.Wallet,
                Uri = "ipfs://minted-elsewhere",
                RequestId = accepted.RequestId.HexToByteArray(),
                Gas = 300_000,
                MaxFeePerGas = maxFee * 2,
                MaxPriorityFeePerGas = tip * 2,
            });
            await fixture.Anvil.MineAsync();
        }
        finally
        {
            await fixture.Anvil.SetAutomineAsync(true);
        }

        var confirmed = await ExactlyOneTokenAsync(accepted);
        confirmed.TxHash!.ToLowerInvariant().ShouldBe(first.ToLowerInvariant(), "settled from the contract's log of the other transaction");
        var balance = await Host.BalanceAsync(fan);
        balance.Spent.ShouldBe(10, "the hold was posted, not voided");
        balance.Held.ShouldBe(0);
        (await fixture.Admin.QueryAsync<OwnerOfFunction, string>(fixture.Deployment.RewardsContract, new OwnerOfFunction { TokenId = confirmed.TokenId!.Value }))
            .ShouldBe(confirmed.Wallet, StringCompareShould.IgnoreCase);
    }

    [Fact]
    public async Task A_mint_waiting_for_its_depth_is_looked_at_once_per_block_and_confirms_once()
    {
        await fixture.RestartHostAsync(overrides: new Dictionary<string, string?> { ["Mints:ConfirmationDepth"] = "3" });
        try
        {
            var (fan, rewardId) = await FanAndRewardAsync();
            var accepted = await Host.RequestMintAsync(fan, rewardId);
            var mined = await Eventually.Get(() => Host.MintAsync(accepted.MintId), m => m?.BlockNumber is not null, TimeSpan.FromSeconds(30));
            mined!.Status.ShouldBe(MintView.Broadcast, "mined, two blocks short of the depth: it waits");

            // No new block for more than a stall window (5 s; the reconciler looks every second): a receipt poll every
            // 100 ms used to ask the node about 80 times; now the node is asked per block, and the reconciler looks at
            // a quiet mint once per stall window.
            var before = fixture.Proxy.Calls("eth_getTransactionReceipt");
            await Task.Delay(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);
            var looks = fixture.Proxy.Calls("eth_getTransactionReceipt") - before;
            looks.ShouldBeLessThanOrEqualTo(2, "receipts asked for while no block was mined");
            (await Host.MintAsync(accepted.MintId))!.Status.ShouldBe(MintView.Broadcast);

            await fixture.Anvil.MineAsync();
            await fixture.Anvil.MineAsync();
            await ExactlyOneTokenAsync(accepted);
        }
        finally
        {
            await fixture.RestartHostAsync();
        }
    }

    [Fact]
    public async Task Mints_in_flight_together_are_not_polled_between_blocks_and_all_confirm_from_one_block()
    {
        try
        {
            // Not replaced while the test waits (3 s in the fixture): an overdue transaction is looked at without a block.
            var accepted = await fixture.BroadcastUnminedAsync(5);
            // Each transaction is looked at once when it is sent (within a poll, 100 ms); then not until a block.
            await Task.Delay(TimeSpan.FromMilliseconds(700), TestContext.Current.CancellationToken);
            var before = fixture.Proxy.Calls("eth_getTransactionReceipt");
            await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
            (fixture.Proxy.Calls("eth_getTransactionReceipt") - before).ShouldBe(0, "no new block, every transaction already looked at since it was sent");

            await fixture.Anvil.MineAsync();
            foreach (var mint in accepted) await ExactlyOneTokenAsync(mint);
        }
        finally
        {
            await fixture.Anvil.SetAutomineAsync(true);
            await fixture.RestartHostAsync();
        }
    }

    [Fact]
    public async Task A_host_killed_in_the_middle_of_a_signing_batch_leaves_exactly_one_token_per_request_and_no_nonce_gap()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 10);
        var fans = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fixture.FanWithWalletAsync()));
        MintAccepted[] accepted = [];
        var held = 0;

        // The API as a process of its own takes the mints; its signer dry-runs a batch and waits for its fee quote
        // (held by the proxy), i.e. between reading the batch and committing it, when it is killed with SIGKILL.
        await fixture.RestartHostAsync(whileDown: async () =>
        {
            fixture.Proxy.HoldFeeQuotes();
            try
            {
                await using var api = await ApiHostProcess.StartAsync(fixture.HostSettings());
                accepted = await Task.WhenAll(fans.SelectMany(f => Enumerable.Range(0, 4).Select(_ => api.RequestMintAsync(f.User, reward.Id))));
                held = await Eventually.Get(() => Task.FromResult(fixture.Proxy.HeldFeeQuotes), n => n > 0, TimeSpan.FromSeconds(60));
                await api.KillAsync();
            }
            finally
            {
                fixture.Proxy.ReleaseFeeQuotes();
            }
        });

        held.ShouldBeGreaterThan(0, "the killed host was in the middle of a signing batch");
        accepted.Length.ShouldBe(20);
        var mints = new List<MintView>();
        foreach (var mint in accepted) mints.Add(await ExactlyOneTokenAsync(mint));
        mints.Select(m => m.TokenId).Distinct().Count().ShouldBe(20);
        mints.Select(m => m.Nonce).Distinct().Count().ShouldBe(20);
        var chain = await Host.GetJsonAsync<Xylo.Api.Features.Contracts.ChainStatus>("/admin/chain", admin);
        chain!.Nonces.Local.ShouldBe(chain.Nonces.ChainLatest, "no nonce taken without its transaction");
        chain.Nonces.ChainPending.ShouldBe(chain.Nonces.ChainLatest);
    }

    [Fact]
    public async Task Queued_mints_are_queued_again_from_the_event_log_when_the_inbox_and_the_subscription_progress_are_gone()
    {
        // What a database restored from the archive holds: the events, no Wolverine inbox, no subscription progress.
        // The reconciler's stall window is an hour here, so only the event log can bring the mints back.
        var (fan, rewardId) = await FanAndRewardAsync();
        await fixture.Anvil.StopAsync();
        MintAccepted[] accepted;
        try
        {
            accepted = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Host.RequestMintAsync(fan, rewardId)));
            var ids = accepted.Select(a => a.MintId).ToArray();
            await Eventually.Get(() => SubscriptionPassedAsync(ids), passed => passed, TimeSpan.FromSeconds(30));
            (await SubscriptionPassedAsync(ids)).ShouldBeTrue("the subscription queued the signing of the three mints");

            await fixture.RestartHostAsync(whileDown: async () =>
            {
                await using var db = NpgsqlDataSource.Create(TestDatabases.Npgsql(TestStack.DatabaseUrl));
                await using var wipe = db.CreateCommand(
                    $"delete from xylo.wolverine_incoming_envelopes; delete from xylo.mt_event_progression where name like '{MintWorkSubscription.Name}%'");
                await wipe.ExecuteNonQueryAsync();
                await fixture.Anvil.StartAsync();
            }, overrides: new Dictionary<string, string?> { ["Mints:StalledAfterSeconds"] = "3600" });

            foreach (var mint in accepted) await ExactlyOneTokenAsync(mint);
        }
        finally
        {
            await fixture.Anvil.StartAsync();
            await fixture.RestartHostAsync();
        }
    }

    /// <summary>Whether the mint-work subscription's progress is past every event of these mints.</summary>
    private async Task<bool> SubscriptionPassedAsync(Guid[] mintIds)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var passed = await session.QueryAsync<bool>(
            "select coalesce((select last_seq_id from xylo.mt_event_progression where name = ?), 0) >= (select max(seq_id) from xylo.mt_events where stream_id = any(?))",
            TestContext.Current.CancellationToken, MintWorkSubscription.Name + ":All", mintIds);
        return passed[0];
    }

    private async Task<(System.Numerics.BigInteger MaxFee, System.Numerics.BigInteger Tip)> FeesOfAsync(string txHash)
    {
        var tx = await fixture.Admin.Eth.Transactions.GetTransactionByHash.SendRequestAsync(txHash);
        return (tx.MaxFeePerGas.Value, tx.MaxPriorityFeePerGas.Value);
    }

    private async Task<(Xylo.Api.Features.Auth.TokenResponse Fan, Guid RewardId)> FanAndRewardAsync()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 10);
        var (fan, _) = await fixture.FanWithWalletAsync();
        return (fan, reward.Id);
    }

    private async Task<MintView> ExactlyOneTokenAsync(MintAccepted accepted)
    {
        var mint = await Host.WaitForMintAsync(accepted.MintId, MintView.Confirmed, seconds: 60);
        (await fixture.Admin.MintLogsForRequestAsync(fixture.Deployment.RewardsContract, accepted.RequestId)).ShouldBe(1);
        (await fixture.Admin.TokenIdForRequestAsync(fixture.Deployment.RewardsContract, accepted.RequestId)).ShouldBe(mint.TokenId!.Value);
        return mint;
    }
}
