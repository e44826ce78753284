using System.Globalization;
using System.Numerics;
using Alba;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Nethereum.RPC.TransactionReceipts;
using Xylo.Api.Chain;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Vault;

namespace Xylo.Api.Tests.Support;

/// <summary>
/// The vault indexer on a real anvil (automine, state kept across restarts) with the contracts deployed by account 0;
/// the indexer takes every mined block as safe (Vault:ConfirmationDepth 0), so a rolled-back block is a reorg of indexed logs.
/// </summary>
public sealed class VaultFixture : IAsyncLifetime
{
    public static readonly BigInteger Ether = BigInteger.Pow(10, 18);

    public AnvilProcess Anvil { get; } = new(new AnvilOptions { KeepState = true });

    public FakeSlack Slack { get; private set; } = null!;

    public ContractDeployment Deployment { get; private set; } = null!;

    public IAlbaHost Host { get; private set; } = null!;

    public Web3 Admin => ChainFixture.NewWeb3(Anvil, 0);

    public async ValueTask InitializeAsync()
    {
        await Anvil.StartAsync();
        Deployment = await ContractDeployer.DeployAsync(Admin);
        Slack = await FakeSlack.StartAsync();
        Host = await StartHostAsync();
    }

    public Task<IAlbaHost> StartHostAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["CHAIN_RPC_URL"] = Anvil.RpcUrl,
            ["PRIVATE_KEY"] = AnvilProcess.Accounts[1].PrivateKey,
            ["SLACK_WEBHOOK_URL"] = Slack.WebhookUrl,
            ["Chain:ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Chain:RewardsContract"] = Deployment.RewardsContract,
            ["Chain:VaultContract"] = Deployment.VaultContract,
            ["Chain:DeploymentBlock"] = Deployment.DeploymentBlock.ToString(CultureInfo.InvariantCulture),
            ["Archive:Enabled"] = "false",
            ["Mints:Enabled"] = "false",
            ["Vault:Enabled"] = "true",
            ["Vault:ConfirmationDepth"] = "0",
            ["Vault:PollIntervalMilliseconds"] = "100",
            ["Vault:BigDepositUnits"] = "3",
            ["Vault:StalledAfterSeconds"] = "1",
            ["Siwe:Domain"] = IdentityFixture.SiweDomain,
            ["Siwe:Uri"] = IdentityFixture.SiweUri,
            ["Siwe:ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        return XyloHost.StartAsync(environment: "Development", settings: settings);
    }

    public async Task RestartHostAsync(Func<Task>? whileDown = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        await Host.DisposeAsync();
        if (whileDown is not null) await whileDown();
        Host = await StartHostAsync(overrides);
    }

    /// <summary>A Web3 signing as <paramref name="wallet"/>, which the admin funds with 100 ether first.</summary>
    public async Task<Web3> FundedAsync(EthECKey wallet)
    {
        await Admin.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(wallet.GetPublicAddress(), 100);
        var web3 = new Web3(new Account(wallet.GetPrivateKey(), Anvil.ChainId), Anvil.RpcUrl);
        web3.TransactionManager.TransactionReceiptService = new TransactionReceiptPollingService(web3.TransactionManager, 5);
        return web3;
    }

    public static Task<TransactionReceipt> DepositAsync(Web3 web3, string vault, BigInteger wei) =>
        web3.SendAsync(vault, new DepositFunction { AmountToSend = wei });

    /// <summary>Reads GET /me/vault until <paramref name="done"/> holds (bounded).</summary>
    public async Task<MyVault> VaultOfAsync(TokenResponse user, Func<MyVault, bool> done) =>
        await Eventually.Get(() => Host.GetJsonAsync<MyVault>("/me/vault", user), done);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        if (Slack is not null) await Slack.DisposeAsync();
        await Anvil.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class VaultCollection : ICollectionFixture<VaultFixture>
{
    public const string Name = "vault";
}
