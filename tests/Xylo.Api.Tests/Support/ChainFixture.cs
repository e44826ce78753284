using System.Collections.Concurrent;
using Nethereum.RPC.TransactionReceipts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Xylo.Api.Chain;
using Xylo.Api.Chain.Contracts;

namespace Xylo.Api.Tests.Support;

/// <summary>
/// A test anvil (automine) with XyloRewards and XyloVault deployed by anvil's first account, which holds
/// every role. Tests that pause or otherwise change shared state undo it (snapshot/revert or finally).
/// </summary>
public sealed class ChainFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<int, Web3> _web3s = new();

    public AnvilProcess Anvil { get; } = new();

    public ContractDeployment Deployment { get; private set; } = null!;

    public string RewardsAddress => Deployment.RewardsContract;

    public string VaultAddress => Deployment.VaultContract;

    /// <summary>The deployer: admin, minter and pauser of both contracts.</summary>
    public Web3 Admin => Web3For(0);

    public async ValueTask InitializeAsync()
    {
        await Anvil.StartAsync();
        Deployment = await ContractDeployer.DeployAsync(Admin);
    }

    public async ValueTask DisposeAsync() => await Anvil.DisposeAsync();

    /// <summary>
    /// Rolls the chain back to a snapshot and resets every account's local nonce, which would otherwise
    /// stay ahead of the rolled-back chain and leave the next transaction waiting forever.
    /// </summary>
    public async Task<bool> RevertAsync(string snapshotId)
    {
        var reverted = await Anvil.RevertAsync(snapshotId);
        foreach (var web3 in _web3s.Values)
        {
            if (web3.TransactionManager.Account.NonceService is { } nonces) await nonces.ResetNonceAsync();
        }

        return reverted;
    }

    public static string AddressOf(int account) => AnvilProcess.Accounts[account].Address;

    /// <summary>One Web3 per anvil account, signing locally; one per key so its transactions never race each other's nonces.</summary>
    public Web3 Web3For(int account) => _web3s.GetOrAdd(account, a => NewWeb3(Anvil, a));

    public static Web3 NewWeb3(AnvilProcess anvil, int account)
    {
        var web3 = new Web3(new Account(AnvilProcess.Accounts[account].PrivateKey, anvil.ChainId), anvil.RpcUrl);
        // automine answers at once: the default 100 ms receipt polling would dominate the tests' time
        web3.TransactionManager.TransactionReceiptService = new TransactionReceiptPollingService(web3.TransactionManager, 5);
        return web3;
    }

    /// <summary>Deploys a fresh TestToken (a freely mintable ERC-20) and returns its address.</summary>
    public async Task<string> DeployTestTokenAsync() =>
        (await ContractDeployer.DeployAsync(Admin, new TestTokenDeployment(), nameof(ContractArtifacts.TestToken))).ContractAddress;
}

[CollectionDefinition(Name)]
public sealed class ChainCollection : ICollectionFixture<ChainFixture>
{
    public const string Name = "chain";
}
