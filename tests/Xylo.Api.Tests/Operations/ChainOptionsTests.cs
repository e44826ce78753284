using Shouldly;
using Xylo.Api.Chain;

namespace Xylo.Api.Tests.Operations;

public sealed class ChainOptionsTests
{
    private readonly ChainOptionsValidator _validator = new();

    [Fact]
    public void No_contracts_configured_is_valid()
    {
        _validator.Validate(null, new ChainOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Well_formed_addresses_lower_case_or_checksummed_are_valid()
    {
        _validator.Validate(null, new ChainOptions
        {
            RewardsContract = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            VaultContract = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
            DeploymentBlock = 12,
            DeploymentBlockHash = "0x" + new string('a', 64),
            ExplorerUrl = "https://explorer.example",
        }).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("0x1234", "RewardsContract")]
    [InlineData("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "RewardsContract")]
    [InlineData("0xF39fd6e51aad88F6F4ce6aB8827279cffFb92266", "RewardsContract")] // a typo breaks the EIP-55 checksum
    public void A_malformed_address_fails_with_the_setting_named(string address, string setting)
    {
        var result = _validator.Validate(null, new ChainOptions { RewardsContract = address });

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain($"Chain:{setting}");
    }

    [Fact]
    public void A_bad_block_hash_explorer_url_or_chain_id_fails()
    {
        var result = _validator.Validate(null, new ChainOptions
        {
            ChainId = 0,
            DeploymentBlockHash = "0x12",
            ExplorerUrl = "not a url",
        });

        result.FailureMessage!.ShouldContain("Chain:ChainId");
        result.FailureMessage!.ShouldContain("Chain:DeploymentBlockHash must be");
        result.FailureMessage!.ShouldContain("needs Chain:DeploymentBlock");
        result.FailureMessage!.ShouldContain("Chain:ExplorerUrl");
    }
}
