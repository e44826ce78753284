using Nethereum.RPC.Eth.DTOs;
using Shouldly;
using Xylo.Api.Chain;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Contracts;

/// <summary>The test anvil's controls that chain tests rely on: restarts with kept state, and mining by hand.</summary>
public sealed class AnvilProcessTests
{
    [Fact]
    public async Task A_restart_with_kept_state_continues_the_same_chain()
    {
        await using var anvil = new AnvilProcess(new AnvilOptions { KeepState = true });
        await anvil.StartAsync();
        var deployment = await ContractDeployer.DeployAsync(ChainFixture.NewWeb3(anvil, 0), TestContext.Current.CancellationToken);

        await anvil.StopAsync();
        anvil.IsRunning.ShouldBeFalse();
        await anvil.StartAsync();

        (await anvil.CallAsync("eth_getCode", deployment.RewardsContract, "latest"))!.GetValue<string>().Length.ShouldBeGreaterThan(2);
        var block = await ChainFixture.NewWeb3(anvil, 0).Eth.Blocks.GetBlockWithTransactionsHashesByNumber
            .SendRequestAsync(new BlockParameter((ulong)deployment.DeploymentBlock));
        block.BlockHash.ShouldBe(deployment.DeploymentBlockHash);
    }

    [Fact]
    public async Task With_automine_off_a_transaction_waits_for_a_mined_block()
    {
        await using var anvil = new AnvilProcess();
        await anvil.StartAsync();
        var web3 = ChainFixture.NewWeb3(anvil, 0);
        var deployment = await ContractDeployer.DeployAsync(web3, TestContext.Current.CancellationToken);
        await anvil.SetAutomineAsync(false);

        var hash = await web3.Eth.GetContractTransactionHandler<MintFunction>().SendRequestAsync(deployment.RewardsContract,
            new MintFunction { To = ChainFixture.AddressOf(1), Uri = "ipfs://pending", RequestId = ChainCalls.NewRequestId() });

        (await web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash)).ShouldBeNull("nothing mines it yet");
        await anvil.MineAsync();
        (await web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash)).Status.Value.ShouldBe(1);
    }
}
