using Nethereum.Hex.HexConvertors.Extensions;
using Shouldly;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Contracts;

[Collection(ChainCollection.Name)]
public sealed class RewardsPauseTests(ChainFixture chain)
{
    [Fact]
    public async Task A_paused_contract_rejects_mints_until_it_is_unpaused()
    {
        var snapshot = await chain.Anvil.SnapshotAsync();
        try
        {
            await chain.Admin.SendAsync(chain.RewardsAddress, new PauseFunction());
            (await PausedAsync()).ShouldBeTrue();

            await Reverts.WithAsync<EnforcedPauseError>(MintAsync);
            await Reverts.WithAsync<EnforcedPauseError>(() => chain.Admin.SendAsync(chain.RewardsAddress, new PauseFunction()));

            await chain.Admin.SendAsync(chain.RewardsAddress, new UnpauseFunction());
            (await PausedAsync()).ShouldBeFalse();
            (await MintAsync()).EventsOf<RewardMintedEventDTO>(chain.RewardsAddress).ShouldHaveSingleItem();
            await Reverts.WithAsync<ExpectedPauseError>(() => chain.Admin.SendAsync(chain.RewardsAddress, new UnpauseFunction()));
        }
        finally
        {
            (await chain.RevertAsync(snapshot)).ShouldBeTrue();
        }

        (await PausedAsync()).ShouldBeFalse();
    }

    [Fact]
    public async Task An_account_without_the_pauser_role_cannot_pause()
    {
        var error = await Reverts.WithAsync<AccessControlUnauthorizedAccountError>(() =>
            chain.Web3For(1).SendAsync(chain.RewardsAddress, new PauseFunction()));

        error.Account.ShouldBe(ChainFixture.AddressOf(1), StringCompareShould.IgnoreCase);
        error.NeededRole.ToHex().ShouldBe(XyloRoles.Pauser.ToHex());
        (await PausedAsync()).ShouldBeFalse();
    }

    private Task<bool> PausedAsync() => chain.Admin.QueryAsync<PausedFunction, bool>(chain.RewardsAddress, new PausedFunction());

    private Task<Nethereum.RPC.Eth.DTOs.TransactionReceipt> MintAsync() => chain.Admin.SendAsync(chain.RewardsAddress,
        new MintFunction { To = ChainFixture.AddressOf(3), Uri = "ipfs://paused", RequestId = ChainCalls.NewRequestId() });
}
