using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Xylo.Api.Chain.Contracts;

namespace Xylo.Api.Chain;

/// <summary>Where XYLO's contracts live on one chain, as <c>contracts deploy</c> records it.</summary>
public sealed record ContractDeployment(
    long ChainId,
    string RewardsContract,
    string VaultContract,
    long DeploymentBlock,
    string DeploymentBlockHash,
    string Deployer,
    string RewardsTransaction,
    string VaultTransaction,
    string RewardsConstructorArguments,
    string VaultConstructorArguments);

/// <summary>
/// Deploys XyloRewards and XyloVault with the Web3's account as admin, minter and pauser. The deployment
/// block is the rewards contract's: log scans start there, and its hash tells a reset chain apart.
/// </summary>
public static class ContractDeployer
{
    public const string RewardsName = "XYLO Rewards";
    public const string RewardsSymbol = "XYLO";

    public static async Task<ContractDeployment> DeployAsync(IWeb3 web3, CancellationToken cancellationToken = default)
    {
        var signer = web3.TransactionManager.Account?.Address
            ?? throw new InvalidOperationException("Deploying needs a Web3 with an account (PRIVATE_KEY)");
        var chainId = (long)(await web3.Eth.ChainId.SendRequestAsync()).Value;

        var rewardsDeployment = new XyloRewardsDeployment { Name = RewardsName, Symbol = RewardsSymbol, Admin = signer };
        var vaultDeployment = new XyloVaultDeployment { Admin = signer };
        var rewards = await DeployAsync(web3, rewardsDeployment, nameof(ContractArtifacts.Rewards), cancellationToken);
        var vault = await DeployAsync(web3, vaultDeployment, nameof(ContractArtifacts.Vault), cancellationToken);

        return new ContractDeployment(
            chainId,
            Checksummed(rewards.ContractAddress),
            Checksummed(vault.ContractAddress),
            (long)rewards.BlockNumber.Value,
            rewards.BlockHash,
            signer,
            rewards.TransactionHash,
            vault.TransactionHash,
            ConstructorArguments(rewardsDeployment),
            ConstructorArguments(vaultDeployment));
    }

    /// <summary>The ABI-encoded constructor arguments (hex, no 0x), which block-explorer verification asks for.</summary>
    public static string ConstructorArguments<TDeployment>(TDeployment deployment)
        where TDeployment : ContractDeploymentMessage =>
        new Nethereum.ABI.FunctionEncoding.ParametersEncoder().EncodeParametersFromTypeAttributes(typeof(TDeployment), deployment).ToHex();

    private static string Checksummed(string address) => Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(address);

    /// <summary>Deploys one contract and waits for a successful receipt (a status-0 receipt throws).</summary>
    public static async Task<TransactionReceipt> DeployAsync<TDeployment>(IWeb3 web3, TDeployment deployment, string name,
        CancellationToken cancellationToken = default)
        where TDeployment : ContractDeploymentMessage, new()
    {
        var handler = web3.Eth.GetContractDeploymentHandler<TDeployment>();
        var receipt = await handler.SendRequestAndWaitForReceiptAsync(deployment, cancellationToken);
        if (receipt.Status?.Value != 1 || string.IsNullOrEmpty(receipt.ContractAddress))
        {
            throw new InvalidOperationException(
                $"Deploying {name} failed: transaction {receipt.TransactionHash} in block {receipt.BlockNumber?.Value} has status {receipt.Status?.Value}");
        }

        return receipt;
    }
}
