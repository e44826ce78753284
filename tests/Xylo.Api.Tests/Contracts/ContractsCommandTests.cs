using System.Text.Json;
using Shouldly;
using Xylo.Api.Chain;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Contracts;

/// <summary><c>Xylo.Api contracts deploy|status</c> run as the real program against a test anvil; no database needed.</summary>
public sealed class ContractsCommandTests : IAsyncLifetime
{
    private readonly AnvilProcess _anvil = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "xylo-tests", $"contracts-{Guid.NewGuid():N}");

    public async ValueTask InitializeAsync() => await _anvil.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _anvil.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Deploy_writes_the_addresses_file_and_status_confirms_the_code_is_there()
    {
        var file = Path.Combine(_directory, "contracts.local.json");

        var (deployed, output) = await RunAsync(new() { ["PRIVATE_KEY"] = AnvilProcess.Accounts[0].PrivateKey },
            "contracts", "deploy", "--network", "local", "--out", file);

        deployed.ShouldBe(0, output);
        var chain = JsonDocument.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).RootElement.GetProperty("Chain");
        chain.GetProperty("ChainId").GetInt64().ShouldBe(80002);
        var rewards = chain.GetProperty("RewardsContract").GetString()!;
        var vault = chain.GetProperty("VaultContract").GetString()!;
        rewards.ShouldStartWith("0x");
        vault.ShouldNotBe(rewards);
        chain.GetProperty("DeploymentBlock").GetInt64().ShouldBeGreaterThan(0);
        chain.GetProperty("DeploymentBlockHash").GetString()!.Length.ShouldBe(66);
        chain.GetProperty("Deployer").GetString().ShouldBe(AnvilProcess.Accounts[0].Address, StringCompareShould.IgnoreCase);
        (await _anvil.CallAsync("eth_getCode", rewards, "latest"))!.GetValue<string>().Length.ShouldBeGreaterThan(2);
        var creation = (await _anvil.CallAsync("eth_getTransactionByHash", chain.GetProperty("RewardsTransaction").GetString()!))!["input"]!.GetValue<string>();
        creation.ShouldBe(ContractArtifacts.Rewards.Bytecode + chain.GetProperty("RewardsConstructorArguments").GetString(),
            "the recorded constructor arguments are what the explorer needs to match the creation input");

        var (status, statusOutput) = await RunAsync(new() { ["XYLO_CONTRACTS_FILE"] = file }, "contracts", "status");
        status.ShouldBe(0, statusOutput);
        statusOutput.ShouldContain($"{rewards} code present");
        statusOutput.ShouldContain("unchanged");
    }

    [Fact]
    public async Task Deploy_refuses_a_chain_that_is_not_the_networks_and_status_fails_without_contracts()
    {
        var key = new Dictionary<string, string> { ["PRIVATE_KEY"] = AnvilProcess.Accounts[0].PrivateKey };

        var (exitCode, output) = await RunAsync(key, "contracts", "deploy", "--network", "polygon", "--out", Path.Combine(_directory, "polygon.json"));

        exitCode.ShouldNotBe(0);
        output.ShouldContain("chain 80002");
        File.Exists(Path.Combine(_directory, "polygon.json")).ShouldBeFalse();
        (await _anvil.BlockNumberAsync()).ShouldBe(0, "nothing was sent");

        var (status, statusOutput) = await RunAsync([], "contracts", "status");
        status.ShouldNotBe(0);
        statusOutput.ShouldContain("not configured");
    }

    private Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        Directory.CreateDirectory(_directory);
        environment["CHAIN_RPC_URL"] = _anvil.RpcUrl;
        return XyloCli.RunInAsync(_directory, environment, args);
    }
}
