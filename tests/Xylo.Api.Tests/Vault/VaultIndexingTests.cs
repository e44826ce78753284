using System.Numerics;
using System.Text.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Signer;
using Shouldly;
using Xylo.Api.Chain;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Features.Vault;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Vault;

namespace Xylo.Api.Tests.Vault;

[Collection(VaultCollection.Name)]
public sealed class VaultIndexingTests(VaultFixture fixture)
{
    private static readonly BigInteger Ether = VaultFixture.Ether;

    private IAlbaHost Host => fixture.Host;

    private string Vault => fixture.Deployment.VaultContract;

    [Fact]
    public async Task Native_and_token_deposits_and_a_withdrawal_appear_in_my_vault_and_deposits_credit_points()
    {
        var (fan, key) = await Host.FanWithWalletAsync(fixture.Anvil.ChainId);
        var web3 = await fixture.FundedAsync(key);
        var token = (await ContractDeployer.DeployAsync(fixture.Admin, new TestTokenDeployment(), nameof(ContractArtifacts.TestToken), TestContext.Current.CancellationToken)).ContractAddress;
        await fixture.Admin.SendAsync(Vault, new SetTokenAllowedFunction { Token = token, Allowed = true });
        await web3.SendAsync(token, new TestTokenMintFunction { To = key.GetPublicAddress(), Amount = 10 * Ether });
        await web3.SendAsync(token, new ApproveFunction { Spender = Vault, Value = 10 * Ether });

        await VaultFixture.DepositAsync(web3, Vault, 2 * Ether);
        await web3.SendAsync(Vault, new DepositTokenFunction { Token = token, Amount = 3 * Ether });
        var withdrawal = await web3.SendAsync(Vault, new WithdrawFunction { Amount = Ether / 2 });

        var vault = await fixture.VaultOfAsync(fan, v => v.Activity.Count == 3 && v.Activity.Where(a => a.Kind == "Deposit").All(a => a.Points is not null));
        vault.Activity.Select(a => a.Kind).ShouldBe(["Withdrawal", "Deposit", "Deposit"], "newest first");
        vault.Activity[0].TxHash.ShouldBe(withdrawal.TransactionHash.ToLowerInvariant());
        vault.Activity[1].Token.ShouldBe(token.ToLowerInvariant());
        vault.Activity.Where(a => a.Kind == "Deposit").Select(a => a.Points).ShouldBe([30L, 20L], "10 points per whole unit");
        vault.Balances.Single(b => b.Token == VaultLog.NativeToken).Balance.ShouldBe((2 * Ether - Ether / 2).ToString());
        vault.Balances.Single(b => b.Token == token.ToLowerInvariant()).Balance.ShouldBe((3 * Ether).ToString());
        var points = await Eventually.Get(() => Host.BalanceAsync(fan), b => b.Earned == 150);
        points.Earned.ShouldBe(150, "the sign-up bonus and 2 + 3 units of vault deposits");

        var page = await Host.GetJsonAsync<MyVault>("/me/vault?page=2&pageSize=2", fan);
        page.Activity.ShouldHaveSingleItem().Points.ShouldBe(20);
        page.HasMore.ShouldBeFalse();
        await Host.Scenario(s =>
        {
            s.Get.Url("/me/vault?pageSize=0");
            s.WithBearer(fan);
            s.StatusCodeShouldBe(400);
        });

        var auditor = await Host.DevSignInAsync(null, "auditor");
        var ids = await LogIdsAsync(key.GetPublicAddress());
        var history = await Host.GetJsonAsync($"/audit/streams/{ids[0]}", auditor);
        history.GetRawText().ShouldContain("vault_", Case.Insensitive);
    }

    [Fact]
    public async Task A_reorged_deposit_is_shown_as_reverted_and_its_points_are_taken_back()
    {
        var (fan, key) = await Host.FanWithWalletAsync(fixture.Anvil.ChainId);
        var web3 = await fixture.FundedAsync(key);
        await Eventually.Get(() => Host.BalanceAsync(fan), b => b.Earned == 100);
        var snapshot = await fixture.Anvil.SnapshotAsync();

        var deposit = await VaultFixture.DepositAsync(web3, Vault, 4 * Ether);
        await fixture.VaultOfAsync(fan, v => v.Activity.Any(a => a.Points == 40));
        (await Eventually.Get(() => Host.BalanceAsync(fan), b => b.Earned == 140)).Available.ShouldBe(140);

        (await fixture.Anvil.RevertAsync(snapshot)).ShouldBeTrue();
        await fixture.Anvil.MineAsync(3);

        // Shown as reorged at once; the points it credited are shown until the credit handler has taken them back.
        var vault = await fixture.VaultOfAsync(fan, v => v.Activity.Any(a => a.Status == "Reorged" && a.Points is null));
        var reorged = vault.Activity.ShouldHaveSingleItem();
        (reorged.TxHash, reorged.Status, reorged.Points).ShouldBe((deposit.TransactionHash.ToLowerInvariant(), "Reorged", (long?)null));
        vault.Balances.Single(b => b.Token == VaultLog.NativeToken).Balance.ShouldBe("0");
        var points = await Eventually.Get(() => Host.BalanceAsync(fan), b => b.Available == 100);
        (points.Available, points.Earned).ShouldBe((100, 140), "the credit stays in the history; a deduction takes it back");

        var admin = await Host.DevSignInAsync(null, "admin");
        var status = await Host.GetJsonAsync<AdminVault>("/admin/vault", admin);
        status.LastReorg.ShouldNotBeNull().LogsReversed.ShouldBeGreaterThanOrEqualTo(1);
        await Eventually.Get(() => Task.FromResult(fixture.Slack.Received.ToArray()), r => r.Any(m => m.Text.Contains("reorg", StringComparison.Ordinal)));
        fixture.Slack.Received.ShouldContain(m => m.Channel == "#alerts" && m.Text.Contains("reorg", StringComparison.Ordinal));
        fixture.Slack.Received.ShouldContain(m => m.Channel == "#monitoring" && m.Text.Contains(deposit.TransactionHash, StringComparison.OrdinalIgnoreCase),
            "4 units is above Vault:BigDepositUnits");
    }

    [Fact]
    public async Task A_deposit_from_an_unlinked_wallet_is_recorded_and_credited_when_the_wallet_is_linked()
    {
        var key = EthECKey.GenerateKey();
        var web3 = await fixture.FundedAsync(key);
        await VaultFixture.DepositAsync(web3, Vault, Ether);
        var ids = await Eventually.Get(() => LogIdsAsync(key.GetPublicAddress()), l => l.Count == 1);
        ids.Count.ShouldBe(1);

        var fan = await Host.DevSignInAsync();
        await Host.LinkWalletAsync(fan, key, fixture.Anvil.ChainId);

        (await fixture.VaultOfAsync(fan, v => v.Activity.Any(a => a.Points == 10))).Activity.ShouldHaveSingleItem().Points.ShouldBe(10);
        (await Eventually.Get(() => Host.BalanceAsync(fan), b => b.Earned == 110)).Earned.ShouldBe(110);
    }

    [Fact]
    public async Task A_rescan_over_an_indexed_range_changes_nothing_and_bad_input_is_refused()
    {
        var (fan, key) = await Host.FanWithWalletAsync(fixture.Anvil.ChainId);
        var web3 = await fixture.FundedAsync(key);
        await VaultFixture.DepositAsync(web3, Vault, Ether);
        await fixture.VaultOfAsync(fan, v => v.Activity.Any(a => a.Points == 10));
        var admin = await Host.DevSignInAsync(null, "admin");
        var before = await VaultEventCountAsync();

        foreach (var bad in new object[] { new { }, new { fromBlock = -1 } })
        {
            await Host.Scenario(s =>
            {
                s.Post.Json(bad).ToUrl("/admin/vault/rescan");
                s.WithBearer(admin);
                s.StatusCodeShouldBe(400);
            });
        }

        for (var i = 0; i < 2; i++)
        {
            await Host.Scenario(s =>
            {
                s.Post.Json(new RescanRequest(fixture.Deployment.DeploymentBlock)).ToUrl("/admin/vault/rescan");
                s.WithBearer(admin);
                s.StatusCodeShouldBe(202);
            });
        }

        var head = await fixture.Anvil.BlockNumberAsync();
        await Eventually.Get(() => Host.GetJsonAsync<AdminVault>("/admin/vault", admin), v => v.RescanFrom is null && v.Cursor >= head);
        (await VaultEventCountAsync()).ShouldBe(before);
        (await Host.BalanceAsync(fan)).Earned.ShouldBe(110);
    }

    [Fact]
    public async Task The_host_killed_in_the_middle_of_a_range_resumes_with_no_duplicate_and_no_gap()
    {
        var (fan, key) = await Host.FanWithWalletAsync(fixture.Anvil.ChainId);
        var web3 = await fixture.FundedAsync(key);
        const int deposits = 30;
        await fixture.RestartHostAsync(async () =>
        {
            for (var i = 0; i < deposits; i++) await VaultFixture.DepositAsync(web3, Vault, Ether);
        }, new Dictionary<string, string?> { ["Vault:BatchBlocks"] = "2", ["Vault:PollIntervalMilliseconds"] = "200" });

        // Stopped while it is part of the way through the deposits, then started again with the ordinary settings.
        await Eventually.Get(() => LogIdsAsync(key.GetPublicAddress()), l => l.Count > 0);
        await fixture.RestartHostAsync();

        var ids = await Eventually.Get(() => LogIdsAsync(key.GetPublicAddress()), l => l.Count == deposits);
        ids.Distinct().Count().ShouldBe(deposits);
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        foreach (var id in ids) (await session.Events.FetchStreamAsync(id, token: TestContext.Current.CancellationToken)).Count(e => e.Data is VaultDepositObserved).ShouldBe(1);
        (await Eventually.Get(() => Host.BalanceAsync(fan), b => b.Earned == 100 + (10 * deposits))).Earned.ShouldBe(100 + (10 * deposits));
    }

    [Fact]
    public async Task With_the_RPC_down_the_indexer_waits_and_readiness_is_degraded()
    {
        await Eventually.Get(ReadinessOfVaultAsync, s => s == "Healthy");
        await fixture.Anvil.StopAsync();
        try
        {
            (await Eventually.Get(ReadinessOfVaultAsync, s => s == "Degraded")).ShouldBe("Degraded");
            await Eventually.Get(() => Task.FromResult(fixture.Slack.Received.ToArray()), r => r.Any(m => m.Text.Contains("stalled", StringComparison.Ordinal)));
        }
        finally
        {
            await fixture.Anvil.StartAsync();
        }

        (await Eventually.Get(ReadinessOfVaultAsync, s => s == "Healthy")).ShouldBe("Healthy");
        fixture.Slack.Received.ShouldContain(m => m.Channel == "#alerts" && m.Text.Contains("Vault indexer stalled", StringComparison.Ordinal));
    }

    private async Task<string> ReadinessOfVaultAsync()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBeOk();
        });
        var body = await result.ReadAsJsonAsync<JsonElement>();
        return body.GetProperty("checks").GetProperty("vault").GetProperty("status").GetString()!;
    }

    private async Task<List<Guid>> LogIdsAsync(string wallet)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var address = wallet.ToLowerInvariant();
        return [.. await session.Query<VaultLog>().Where(l => l.Wallet == address).Select(l => l.Id).ToListAsync(TestContext.Current.CancellationToken)];
    }

    private async Task<long> VaultEventCountAsync()
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.QueryAllRawEvents()
            .Where(e => e.EventTypeName == "vault_deposit_observed" || e.EventTypeName == "vault_withdrawal_observed" || e.EventTypeName == "vault_event_reorged")
            .CountAsync(TestContext.Current.CancellationToken);
    }
}
