using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Marten;
using Nethereum.Signer;
using Nethereum.Web3;
using Npgsql;
using Xylo.Api.Chain;
using Xylo.Api.Hosting;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Cluster;

/// <summary>
/// Two API processes (real hosts, killable with SIGKILL) on one database of their own, one Redis, one anvil with both
/// contracts and one archive directory: what a deployment behind a load balancer shares. Nodes heartbeat every second
/// and a silent one is ejected after 5 s, so a killed node's queued work moves in seconds, not minutes.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>A signer no other test uses: its nonces start at 0 on this chain and in this database.</summary>
    public const int SignerAccount = 3;

    /// <summary>Requests per client address in the shared window; each request of the tests comes from an address of its own.</summary>
    public const int RateLimit = 6;

    private int _clients;

    public AnvilProcess Anvil { get; } = new(new AnvilOptions());

    public string DatabaseUrl { get; private set; } = null!;

    public string ArchiveDirectory { get; } = Path.Combine(XyloHost.NewLogDirectory(), "archive");

    public string RateLimitPrefix { get; } = $"test:cluster:{Guid.NewGuid():N}";

    public ContractDeployment Deployment { get; private set; } = null!;

    public List<ApiHostProcess> Nodes { get; } = [];

    public NpgsqlDataSource Database { get; private set; } = null!;

    public DocumentStore Store { get; private set; } = null!;

    public Web3 Chain => ChainFixture.NewWeb3(Anvil, 0);

    public async ValueTask InitializeAsync()
    {
        DatabaseUrl = await TestDatabases.CreateAsync("cluster");
        Database = NpgsqlDataSource.Create(TestDatabases.Npgsql(DatabaseUrl));
        await Anvil.StartAsync();
        Deployment = await MintFixture.DeployAsync(Anvil, AnvilProcess.Accounts[SignerAccount].Address);
        // One after the other: the first migrates the new database alone.
        Nodes.Add(await StartNodeAsync());
        Nodes.Add(await StartNodeAsync());
        Store = new DocumentStore(new StoreOptions().ConfigureXyloStore(Database));
    }

    public Task<ApiHostProcess> StartNodeAsync() => ApiHostProcess.StartAsync(new Dictionary<string, string?>
    {
        ["DATABASE_URL"] = DatabaseUrl,
        ["CodeGeneration:TypeLoadMode"] = "Static",
        ["CHAIN_RPC_URL"] = Anvil.RpcUrl,
        ["PRIVATE_KEY"] = AnvilProcess.Accounts[SignerAccount].PrivateKey,
        ["Chain:ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
        ["Chain:RewardsContract"] = Deployment.RewardsContract,
        ["Chain:VaultContract"] = Deployment.VaultContract,
        ["Siwe:Domain"] = MintFixture.SiweDomain,
        ["Siwe:Uri"] = MintFixture.SiweUri,
        ["Siwe:ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
        ["Archive:Enabled"] = "true",
        ["Archive:Directory"] = ArchiveDirectory,
        ["Archive:SegmentSeconds"] = "0.5",
        ["Mints:ConfirmationDepth"] = "1",
        ["Mints:PollIntervalMilliseconds"] = "200",
        ["Mints:ReconcileIntervalSeconds"] = "1",
        // Both nodes' reconcilers requeue a mint that waits 2 s: the two nodes race to sign the same mints.
        ["Mints:StalledAfterSeconds"] = "2",
        ["Cluster:HeartbeatSeconds"] = "1",
        ["Cluster:NodeStaleSeconds"] = "5",
        ["Admin:RebuildPollMilliseconds"] = "250",
        ["Admin:PauseForwardSeconds"] = "30",
        ["RateLimiting:PermitLimit"] = RateLimit.ToString(CultureInfo.InvariantCulture),
        ["RateLimiting:KeyPrefix"] = RateLimitPrefix,
        ["RateLimiting:TrustedProxies:0"] = "127.0.0.1",
        ["Health:ReadinessCacheSeconds"] = "0",
    }, environment: "Development");

    /// <summary>A client address never used before (198.18.0.0/15, for benchmarks): every request its own rate-limit budget.</summary>
    public string NewClient()
    {
        var n = Interlocked.Increment(ref _clients);
        return $"198.{18 + (n >> 16 & 1)}.{n >> 8 & 255}.{n & 255}";
    }

    public async Task<JsonElement> JsonAsync(ApiHostProcess node, HttpMethod method, string path, object? body = null, string? token = null,
        System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK) =>
        await node.JsonAsync(method, path, body, token, NewClient(), expected);

    public async Task<(string Token, Guid Id)> SignInAsync(ApiHostProcess node, params string[] roles)
    {
        var signedIn = await JsonAsync(node, HttpMethod.Post, "/auth/dev/sign-in", new { handle = $"n{Guid.NewGuid():N}"[..12], roles });
        return (signedIn.GetProperty("accessToken").GetString()!, signedIn.GetProperty("user").GetProperty("id").GetGuid());
    }

    /// <summary>Links a fresh wallet; a 409 (the sign-up's own handlers writing the user's stream at that moment) is retried as a client would.</summary>
    public async Task LinkWalletAsync(ApiHostProcess node, string token)
    {
        var key = EthECKey.GenerateKey();
        for (var attempt = 1; ; attempt++)
        {
            var nonce = (await JsonAsync(node, HttpMethod.Get, "/auth/wallet/nonce", token: token)).GetProperty("nonce").GetString()!;
            using var response = await node.SendJsonAsync(HttpMethod.Post, "/me/wallet", Support.Wallets.LinkRequest(key, nonce, Anvil.ChainId), token, NewClient());
            if (response.StatusCode == System.Net.HttpStatusCode.OK) return;
            if (response.StatusCode != System.Net.HttpStatusCode.Conflict || attempt == 5)
                throw new InvalidOperationException($"POST /me/wallet answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(200 * attempt);
        }
    }

    /// <summary>The node that runs the daemon now (null while none does), as the nodes themselves report it.</summary>
    public async Task<ApiHostProcess?> DaemonNodeAsync(string admin)
    {
        foreach (var node in Nodes.Where(n => !n.HasExited))
        {
            if ((await JsonAsync(node, HttpMethod.Get, "/admin/projections", token: admin)).GetProperty("daemonRunsHere").GetBoolean()) return node;
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        if (Store is not null) await Store.DisposeAsync();
        if (Database is not null) await Database.DisposeAsync();
        await Anvil.DisposeAsync();
        if (DatabaseUrl is not null) await TestDatabases.DropAsync(DatabaseUrl);
    }
}
