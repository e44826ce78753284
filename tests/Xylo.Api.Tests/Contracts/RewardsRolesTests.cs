using System.Numerics;
using Nethereum.Hex.HexConvertors.Extensions;
using Shouldly;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Contracts;

[Collection(ChainCollection.Name)]
public sealed class RewardsRolesTests(ChainFixture chain)
{
    [Fact]
    public async Task The_deployer_holds_every_role_and_another_account_none()
    {
        foreach (var role in new[] { XyloRoles.DefaultAdmin, XyloRoles.Minter, XyloRoles.Pauser })
        {
            (await HasRoleAsync(role, ChainFixture.AddressOf(0))).ShouldBeTrue(role.ToHex());
            (await HasRoleAsync(role, ChainFixture.AddressOf(1))).ShouldBeFalse(role.ToHex());
        }
    }

    [Fact]
    public async Task A_non_minter_cannot_mint_until_the_admin_grants_the_role_and_not_after_it_is_revoked()
    {
        var account = 2;
        var minter = chain.Web3For(account);
        var mint = () => minter.SendAsync(chain.RewardsAddress,
            new MintFunction { To = ChainFixture.AddressOf(account), Uri = "ipfs://role", RequestId = ChainCalls.NewRequestId() });

        var denied = await Reverts.WithAsync<AccessControlUnauthorizedAccountError>(mint);
        denied.Account.ShouldBe(ChainFixture.AddressOf(account), StringCompareShould.IgnoreCase);
        denied.NeededRole.ToHex().ShouldBe(XyloRoles.Minter.ToHex());

        await chain.Admin.SendAsync(chain.RewardsAddress, new GrantRoleFunction { Role = XyloRoles.Minter, Account = ChainFixture.AddressOf(account) });
        try
        {
            (await HasRoleAsync(XyloRoles.Minter, ChainFixture.AddressOf(account))).ShouldBeTrue();
            (await mint()).EventsOf<RewardMintedEventDTO>(chain.RewardsAddress).ShouldHaveSingleItem().TokenId.ShouldBeGreaterThan(BigInteger.Zero);
        }
        finally
        {
            await chain.Admin.SendAsync(chain.RewardsAddress, new RevokeRoleFunction { Role = XyloRoles.Minter, Account = ChainFixture.AddressOf(account) });
        }

        (await HasRoleAsync(XyloRoles.Minter, ChainFixture.AddressOf(account))).ShouldBeFalse();
        (await Reverts.WithAsync<AccessControlUnauthorizedAccountError>(mint)).NeededRole.ToHex().ShouldBe(XyloRoles.Minter.ToHex());
    }

    [Fact]
    public async Task Only_the_admin_grants_roles()
    {
        var error = await Reverts.WithAsync<AccessControlUnauthorizedAccountError>(() => chain.Web3For(1).SendAsync(chain.RewardsAddress,
            new GrantRoleFunction { Role = XyloRoles.Minter, Account = ChainFixture.AddressOf(1) }));

        error.Account.ShouldBe(ChainFixture.AddressOf(1), StringCompareShould.IgnoreCase);
        error.NeededRole.ToHex().ShouldBe(XyloRoles.DefaultAdmin.ToHex());
    }

    private Task<bool> HasRoleAsync(byte[] role, string account) =>
        chain.Admin.QueryAsync<HasRoleFunction, bool>(chain.RewardsAddress, new HasRoleFunction { Role = role, Account = account });
}
