using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.CommandLine;
using Microsoft.Extensions.Options;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Chain;

public sealed class ContractsInput : NetCoreInput
{
    [Description("deploy, status, pause or unpause")]
    public string Action { get; set; } = "";

    [Description("pause/unpause: rewards or vault")]
    public string Contract { get; set; } = "";

    [Description("deploy: local (chain 80002 or 31337), amoy (80002) or polygon (137); default local")]
    public string NetworkFlag { get; set; } = "local";

    [Description("deploy: the configuration file to write (default contracts.<network>.json in the working directory)")]
    public string? OutFlag { get; set; }
}

/// <summary>
/// <c>dotnet run --project src/Xylo.Api -- contracts deploy --network amoy</c>: deploys XyloRewards and
/// XyloVault with <c>CHAIN_RPC_URL</c> and <c>PRIVATE_KEY</c> and writes a <c>{"Chain": …}</c> file that
/// the API reads when <c>XYLO_CONTRACTS_FILE</c> names it. <c>contracts status</c> shows what the
/// configured addresses hold. Neither starts the host: no database is needed.
/// </summary>
// No square brackets here: the command line renders descriptions as console markup, where they are styles ("help" failed on them).
[Description("Deploy XYLO's contracts, show their status, or pause them: contracts deploy (options --network local|amoy|polygon and --out FILE), contracts status, contracts pause|unpause rewards|vault",
    Name = "contracts")]
public sealed class ContractsCommand : JasperFxAsyncCommand<ContractsInput>
{
    public ContractsCommand()
    {
        Usage("deploy or status").Arguments(x => x.Action);
        Usage("pause or unpause a contract with PRIVATE_KEY (a pauser), for when the API itself is down").Arguments(x => x.Action, x => x.Contract);
    }

    /// <summary>The chain ids each network accepts; anvil's default 31337 is accepted locally too.</summary>
    private static readonly Dictionary<string, (long[] ChainIds, string? ExplorerUrl)> Networks = new(StringComparer.Ordinal)
    {
        ["local"] = ([80002, 31337], null),
        ["amoy"] = ([80002], "https://amoy.polygonscan.com"),
        ["polygon"] = ([137], "https://polygonscan.com"),
    };

    public override async Task<bool> Execute(ContractsInput input)
    {
        using var host = input.BuildHost();
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var secrets = XyloSecrets.From(configuration);
        if (secrets[XyloSecrets.ChainRpcUrl] is not { } rpcUrl) return await FailAsync($"{XyloSecrets.ChainRpcUrl} is not set");

        try
        {
            return input.Action switch
            {
                "deploy" => await DeployAsync(input, rpcUrl, secrets[XyloSecrets.PrivateKey]),
                "status" => await StatusAsync(new Web3(rpcUrl), host.Services.GetRequiredService<IOptions<ChainOptions>>().Value),
                "pause" or "unpause" => await PauseAsync(input, rpcUrl, secrets[XyloSecrets.PrivateKey], host.Services.GetRequiredService<IOptions<ChainOptions>>().Value),
                _ => await FailAsync($"unknown action '{input.Action}': deploy, status, pause or unpause"),
            };
        }
        catch (Exception e) when (e is HttpRequestException or Nethereum.JsonRpc.Client.RpcClientUnknownException
                                      or Nethereum.JsonRpc.Client.RpcResponseException or InvalidOperationException)
        {
            return await FailAsync($"{e.GetType().Name}: {e.GetBaseException().Message}");
        }
    }

    private static async Task<bool> DeployAsync(ContractsInput input, string rpcUrl, string? privateKey)
    {
        if (!Networks.TryGetValue(input.NetworkFlag, out var network))
        {
            return await FailAsync($"unknown network '{input.NetworkFlag}': {string.Join(", ", Networks.Keys)}");
        }

        if (privateKey is null) return await FailAsync($"{XyloSecrets.PrivateKey} is not set: it pays for and administers the contracts");

        var chainId = (long)(await new Web3(rpcUrl).Eth.ChainId.SendRequestAsync()).Value;
        if (!network.ChainIds.Contains(chainId))
        {
            return await FailAsync($"the RPC serves chain {chainId}, but network {input.NetworkFlag} is chain {string.Join(" or ", network.ChainIds)}");
        }

        var web3 = new Web3(new Account(privateKey, chainId), rpcUrl);
        Console.WriteLine($"Deploying to {input.NetworkFlag} (chain {chainId}) from {web3.TransactionManager.Account.Address} ...");
        var deployment = await ContractDeployer.DeployAsync(web3);

        var file = Path.GetFullPath(input.OutFlag ?? $"contracts.{input.NetworkFlag}.json");
        var chain = new JsonObject
        {
            ["ChainId"] = deployment.ChainId,
            ["RewardsContract"] = deployment.RewardsContract,
            ["VaultContract"] = deployment.VaultContract,
            ["DeploymentBlock"] = deployment.DeploymentBlock,
            ["DeploymentBlockHash"] = deployment.DeploymentBlockHash,
            ["ExplorerUrl"] = network.ExplorerUrl,
            ["Network"] = input.NetworkFlag,
            ["Deployer"] = deployment.Deployer,
            ["RewardsTransaction"] = deployment.RewardsTransaction,
            ["VaultTransaction"] = deployment.VaultTransaction,
            ["RewardsConstructorArguments"] = deployment.RewardsConstructorArguments,
            ["VaultConstructorArguments"] = deployment.VaultConstructorArguments,
            ["Compiler"] = ContractArtifacts.Rewards.CompilerVersion,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, new JsonObject { [ChainOptions.Section] = chain }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");

        Console.WriteLine($"XyloRewards {deployment.RewardsContract} (tx {deployment.RewardsTransaction})");
        Console.WriteLine($"XyloVault   {deployment.VaultContract} (tx {deployment.VaultTransaction})");
        Console.WriteLine($"deployment block {deployment.DeploymentBlock} {deployment.DeploymentBlockHash}");
        Console.WriteLine($"wrote {file}: start the API with XYLO_CONTRACTS_FILE={file}");
        return true;
    }

    private static async Task<bool> StatusAsync(Web3 web3, ChainOptions chain)
    {
        var chainId = (long)(await web3.Eth.ChainId.SendRequestAsync()).Value;
        var block = (long)(await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        Console.WriteLine($"chain {chainId} (configured {chain.ChainId}), latest block {block}");
        var ok = chainId == chain.ChainId;

        foreach (var (name, address) in new[] { ("XyloRewards", chain.RewardsContract), ("XyloVault", chain.VaultContract) })
        {
            if (string.IsNullOrEmpty(address))
            {
                Console.WriteLine($"{name,-12} not configured");
                ok = false;
                continue;
            }

            var code = await web3.Eth.GetCode.SendRequestAsync(address);
            var hasCode = code is { Length: > 2 };
            Console.WriteLine($"{name,-12} {address} {(hasCode ? "code present" : "NO CODE")}");
            ok &= hasCode;
        }

        if (chain.DeploymentBlock is { } number && !string.IsNullOrEmpty(chain.DeploymentBlockHash))
        {
            var deployedIn = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter((ulong)number));
            var same = string.Equals(deployedIn?.BlockHash, chain.DeploymentBlockHash, StringComparison.OrdinalIgnoreCase);
            Console.WriteLine($"deployment block {number}: {(same ? "unchanged" : $"CHANGED ({deployedIn?.BlockHash ?? "missing"}, recorded {chain.DeploymentBlockHash}): the chain was reset, redeploy")}");
            ok &= same;
        }

        return ok;
    }

    /// <summary>The operations guide's pause script: the contract's own pause, signed with PRIVATE_KEY, no API involved.</summary>
    private static async Task<bool> PauseAsync(ContractsInput input, string rpcUrl, string? privateKey, ChainOptions chain)
    {
        var address = input.Contract switch
        {
            "rewards" => chain.RewardsContract,
            "vault" => chain.VaultContract,
            _ => null,
        };
        if (input.Contract is not ("rewards" or "vault")) return await FailAsync($"{input.Action} what? rewards or vault, not '{input.Contract}'");
        if (string.IsNullOrEmpty(address)) return await FailAsync($"Chain:{(input.Contract == "rewards" ? "RewardsContract" : "VaultContract")} is not configured");
        if (privateKey is null) return await FailAsync($"{XyloSecrets.PrivateKey} is not set: it must hold the contract's pauser role");

        var chainId = (long)(await new Web3(rpcUrl).Eth.ChainId.SendRequestAsync()).Value;
        var web3 = new Web3(new Account(privateKey, chainId), rpcUrl);
        var pause = input.Action == "pause";
        if (await web3.Eth.GetContractQueryHandler<Contracts.PausedFunction>().QueryAsync<bool>(address, new Contracts.PausedFunction()) == pause)
        {
            Console.WriteLine($"{input.Contract} {address} is already {(pause ? "paused" : "running")}");
            return true;
        }

        var receipt = pause
            ? await web3.Eth.GetContractTransactionHandler<Contracts.PauseFunction>().SendRequestAndWaitForReceiptAsync(address, new Contracts.PauseFunction())
            : await web3.Eth.GetContractTransactionHandler<Contracts.UnpauseFunction>().SendRequestAndWaitForReceiptAsync(address, new Contracts.UnpauseFunction());
        if (receipt.Status?.Value != 1) return await FailAsync($"the {input.Action} transaction {receipt.TransactionHash} reverted");
        Console.WriteLine($"{input.Contract} {address} {(pause ? "paused" : "unpaused")} (tx {receipt.TransactionHash})");
        return true;
    }

    private static async Task<bool> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync($"contracts: {message}");
        return false;
    }
}
