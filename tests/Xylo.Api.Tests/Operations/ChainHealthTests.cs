using System.Text.Json;
using Alba;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Nethereum.Web3;
using Shouldly;
using Xylo.Api.Chain;
using Xylo.Api.Operations.Configuration;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

/// <summary>The chain is optional for readiness: any trouble with it is Degraded, never Unhealthy.</summary>
public sealed class ChainHealthTests : IAsyncLifetime
{
    private readonly AnvilProcess _anvil = new();

    public async ValueTask InitializeAsync() => await _anvil.StartAsync();

    public async ValueTask DisposeAsync() => await _anvil.DisposeAsync();

    [Fact]
    public async Task An_unreachable_rpc_makes_readiness_degraded_and_the_api_keeps_serving()
    {
        await using var host = await XyloHost.StartAsync(new Dictionary<string, string?>
        {
            [XyloSecrets.ChainRpcUrl] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
            ["Chain:RewardsContract"] = AnvilProcess.Accounts[0].Address,
        });

        var result = await host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBeOk();
        });

        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        body.GetProperty("status").GetString().ShouldBe("Degraded");
        var chain = body.GetProperty("checks").GetProperty("chain");
        chain.GetProperty("status").GetString().ShouldBe("Degraded");
        chain.GetProperty("description").GetString()!.ShouldContain("did not answer");
        body.GetProperty("checks").GetProperty("postgresql").GetProperty("status").GetString().ShouldBe("Healthy");
    }

    [Fact]
    public async Task Deployed_contracts_on_the_configured_chain_are_healthy()
    {
        var deployment = await ContractDeployer.DeployAsync(ChainFixture.NewWeb3(_anvil, 0), TestContext.Current.CancellationToken);

        var result = await CheckAsync(_anvil.RpcUrl, Configured(deployment));

        result.Status.ShouldBe(HealthStatus.Healthy, result.Description);
        result.Data["chainId"].ShouldBe(80002L);
    }

    [Fact]
    public async Task Missing_configuration_a_wrong_chain_id_or_no_code_is_degraded_with_the_reason()
    {
        (await CheckAsync(null, new ChainOptions())).Description!.ShouldContain("CHAIN_RPC_URL is not set");
        (await CheckAsync(_anvil.RpcUrl, new ChainOptions())).Description!.ShouldContain("RewardsContract is not configured");

        var wrongChain = await CheckAsync(_anvil.RpcUrl, new ChainOptions { ChainId = 137, RewardsContract = AnvilProcess.Accounts[1].Address });
        wrongChain.Status.ShouldBe(HealthStatus.Degraded);
        wrongChain.Description!.ShouldContain("chain 80002, configured is 137");

        var noCode = await CheckAsync(_anvil.RpcUrl, new ChainOptions { RewardsContract = AnvilProcess.Accounts[1].Address });
        noCode.Status.ShouldBe(HealthStatus.Degraded);
        noCode.Description!.ShouldContain("No contract code");
    }

    [Fact]
    public async Task A_reset_chain_with_the_contracts_redeployed_at_the_same_addresses_is_detected()
    {
        var first = await ContractDeployer.DeployAsync(ChainFixture.NewWeb3(_anvil, 0), TestContext.Current.CancellationToken);
        await _anvil.StopAsync();
        await _anvil.StartAsync(); // no state kept: a new chain
        // a chain restarted within the same second and given the same transactions is block for block the
        // same chain (same hashes); one empty block makes this one differ, as a dev chain's own blocks do
        await _anvil.MineAsync();
        var again = await ContractDeployer.DeployAsync(ChainFixture.NewWeb3(_anvil, 0), TestContext.Current.CancellationToken);
        again.RewardsContract.ShouldBe(first.RewardsContract, "same deployer, same nonce, same address");

        var stale = await CheckAsync(_anvil.RpcUrl, Configured(first));

        stale.Status.ShouldBe(HealthStatus.Degraded);
        stale.Description!.ShouldContain("chain was reset");
        (await CheckAsync(_anvil.RpcUrl, Configured(again))).Status.ShouldBe(HealthStatus.Healthy);
    }

    [Fact]
    public async Task The_check_does_not_wait_past_its_timeout_for_a_silent_rpc()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start(); // accepts connections, never answers
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}";
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var check = NewCheck(url, new ChainOptions { RewardsContract = AnvilProcess.Accounts[1].Address })
            .CheckHealthAsync(new HealthCheckContext(), timeout.Token);

        await Should.ThrowAsync<OperationCanceledException>(check);
    }

    private static ChainOptions Configured(ContractDeployment deployment) => new()
    {
        ChainId = deployment.ChainId,
        RewardsContract = deployment.RewardsContract,
        VaultContract = deployment.VaultContract,
        DeploymentBlock = deployment.DeploymentBlock,
        DeploymentBlockHash = deployment.DeploymentBlockHash,
    };

    private static Task<HealthCheckResult> CheckAsync(string? rpcUrl, ChainOptions options) =>
        NewCheck(rpcUrl, options).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

    private static ChainHealthCheck NewCheck(string? rpcUrl, ChainOptions options)
    {
        var secrets = new XyloSecrets();
        secrets.Values[XyloSecrets.ChainRpcUrl] = rpcUrl;
        return new ChainHealthCheck(Options.Create(secrets), Options.Create(options));
    }
}
