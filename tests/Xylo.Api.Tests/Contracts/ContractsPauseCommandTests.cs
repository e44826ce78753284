using Shouldly;
using Xylo.Api.Chain;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Contracts;

/// <summary><c>Xylo.Api contracts pause|unpause rewards|vault</c>: the guide's pause script, for when the API itself is down.</summary>
public sealed class ContractsPauseCommandTests : IAsyncLifetime
{
    private readonly AnvilProcess _anvil = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "xylo-tests", $"contracts-pause-{Guid.NewGuid():N}");
    private ContractDeployment _deployment = null!;

    public async ValueTask InitializeAsync()
    {
        await _anvil.StartAsync();
        _deployment = await ContractDeployer.DeployAsync(ChainFixture.NewWeb3(_anvil, 0), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _anvil.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Pause_and_unpause_the_vault_with_the_pauser_key_and_refuse_an_unknown_contract()
    {
        var (paused, output) = await RunAsync("pause", "vault");
        paused.ShouldBe(0, output);
        output.ShouldContain("paused (tx 0x");
        (await IsPausedAsync(_deployment.VaultContract)).ShouldBeTrue();
        (await IsPausedAsync(_deployment.RewardsContract)).ShouldBeFalse();

        var (again, againOutput) = await RunAsync("pause", "vault");
        again.ShouldBe(0, againOutput);
        againOutput.ShouldContain("already paused");

        var (unpaused, unpauseOutput) = await RunAsync("unpause", "vault");
        unpaused.ShouldBe(0, unpauseOutput);
        (await IsPausedAsync(_deployment.VaultContract)).ShouldBeFalse();

        var (unknown, unknownOutput) = await RunAsync("pause", "treasury");
        unknown.ShouldNotBe(0);
        unknownOutput.ShouldContain("rewards or vault");
    }

    private Task<bool> IsPausedAsync(string contract) =>
        ChainFixture.NewWeb3(_anvil, 0).Eth.GetContractQueryHandler<PausedFunction>().QueryAsync<bool>(contract, new PausedFunction());

    private Task<(int ExitCode, string Output)> RunAsync(string action, string contract)
    {
        Directory.CreateDirectory(_directory);
        return XyloCli.RunInAsync(_directory, new Dictionary<string, string>
        {
            ["CHAIN_RPC_URL"] = _anvil.RpcUrl,
            ["PRIVATE_KEY"] = AnvilProcess.Accounts[0].PrivateKey,
            ["Chain__ChainId"] = "80002",
            ["Chain__RewardsContract"] = _deployment.RewardsContract,
            ["Chain__VaultContract"] = _deployment.VaultContract,
        }, "contracts", action, contract);
    }
}
