using System.Globalization;
using Alba;
using Nethereum.Signer;
using Nethereum.Web3;
using Xylo.Api.Chain;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Features.Auth;

namespace Xylo.Api.Tests.Support;

/// <summary>
/// The whole chain pipeline on a real anvil (automine, state kept across restarts) with both contracts deployed
/// by account 0, which made account 1 — the API's signer — minter and pauser. RPC goes through a
/// <see cref="ChainProxy"/>, Slack to a <see cref="FakeSlack"/>. Tests may restart the host or the chain.
/// </summary>
public sealed class MintFixture : IAsyncLifetime
{
    public const int SignerAccount = 1;
    public const string SiweDomain = IdentityFixture.SiweDomain;
    public const string SiweUri = IdentityFixture.SiweUri;

    public AnvilProcess Anvil { get; } = new(new AnvilOptions { KeepState = true });

    public ChainProxy Proxy { get; private set; } = null!;

    public FakeSlack Slack { get; private set; } = null!;

    public ContractDeployment Deployment { get; private set; } = null!;

    public IAlbaHost Host { get; private set; } = null!;

    public Web3 Admin => ChainFixture.NewWeb3(Anvil, 0);

    public static string Signer => AnvilProcess.Accounts[SignerAccount].Address;

    public async ValueTask InitializeAsync()
    {
        await Anvil.StartAsync();
        Deployment = await DeployAsync(Anvil, Signer);
        Proxy = await ChainProxy.StartAsync(Anvil.RpcUrl);
        Slack = await FakeSlack.StartAsync();
        Host = await StartHostAsync();
    }

    /// <summary>Both contracts deployed by account 0, which makes <paramref name="signer"/> minter and pauser.</summary>
    public static async Task<ContractDeployment> DeployAsync(AnvilProcess anvil, string signer)
    {
        var admin = ChainFixture.NewWeb3(anvil, 0);
        var deployment = await ContractDeployer.DeployAsync(admin);
        await admin.SendAsync(deployment.RewardsContract, new GrantRoleFunction { Role = XyloRoles.Minter, Account = signer });
        await admin.SendAsync(deployment.RewardsContract, new GrantRoleFunction { Role = XyloRoles.Pauser, Account = signer });
        await admin.SendAsync(deployment.VaultContract, new GrantRoleFunction { Role = XyloRoles.Pauser, Account = signer });
        return deployment;
    }

    public Task<IAlbaHost> StartHostAsync(IReadOnlyDictionary<string, string?>? overrides = null) =>
        XyloHost.StartAsync(environment: "Development", settings: HostSettings(overrides));

    /// <summary>The host's configuration: the chain behind the proxy, the signer, Slack, and short pipeline timings.</summary>
    public Dictionary<string, string?> HostSettings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
    {
        ["CHAIN_RPC_URL"] = Proxy.Url,
        ["PRIVATE_KEY"] = AnvilProcess.Accounts[SignerAccount].PrivateKey,
        ["SLACK_WEBHOOK_URL"] = Slack.WebhookUrl,
        ["Chain:ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
        ["Chain:RewardsContract"] = Deployment.RewardsContract,
        ["Chain:VaultContract"] = Deployment.VaultContract,
        ["Archive:Enabled"] = "false",
        ["Mints:ConfirmationDepth"] = "1",
        ["Mints:PollIntervalMilliseconds"] = "100",
        ["Mints:ReplaceAfterSeconds"] = "3",
        ["Mints:ReconcileIntervalSeconds"] = "1",
        ["Mints:StalledAfterSeconds"] = "5",
        ["Mints:PriorityFeeFloorWei"] = "1000000000",
        ["Siwe:Domain"] = SiweDomain,
        ["Siwe:Uri"] = SiweUri,
        ["Siwe:ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
    };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        return settings;
    }

    /// <summary>Stops the host the way a crash would leave things (nothing flushed by hand), then boots a new one on the same database and chain.</summary>
    public async Task RestartHostAsync(Func<Task>? whileDown = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        await Host.DisposeAsync();
        if (whileDown is not null) await whileDown();
        Host = await StartHostAsync(overrides);
    }

    /// <summary>
    /// <paramref name="fans"/> fans' mints of a new reward, sent and held out of blocks: the host restarted so that nothing is
    /// replaced while a test looks, automine off. The caller mines, then turns automine on and restarts the host.
    /// </summary>
    public async Task<List<Features.Mints.MintAccepted>> BroadcastUnminedAsync(int fans)
    {
        await RestartHostAsync(overrides: new Dictionary<string, string?> { ["Mints:ReplaceAfterSeconds"] = "120" });
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 10);
        var buyers = new List<TokenResponse>();
        for (var i = 0; i < fans; i++) buyers.Add((await FanWithWalletAsync()).User);
        await Anvil.SetAutomineAsync(false);
        List<Features.Mints.MintAccepted> accepted = [.. await Task.WhenAll(buyers.Select(fan => Host.RequestMintAsync(fan, reward.Id)))];
        foreach (var mint in accepted) await Host.WaitForMintAsync(mint.MintId, Projections.Mints.MintView.Broadcast);
        return accepted;
    }

    /// <summary>Signs in a new fan and links a fresh wallet through Sign-In with Ethereum.</summary>
    public Task<(TokenResponse User, EthECKey Wallet)> FanWithWalletAsync() => Host.FanWithWalletAsync(Anvil.ChainId);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        if (Proxy is not null) await Proxy.DisposeAsync();
        if (Slack is not null) await Slack.DisposeAsync();
        await Anvil.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class MintCollection : ICollectionFixture<MintFixture>
{
    public const string Name = "mints";
}
