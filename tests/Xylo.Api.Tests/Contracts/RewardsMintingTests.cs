using System.Numerics;
using Nethereum.Hex.HexConvertors.Extensions;
using Shouldly;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Contracts;

[Collection(ChainCollection.Name)]
public sealed class RewardsMintingTests(ChainFixture chain)
{
    private const string Uri = "ipfs://bafy-reward/1.json";

    [Fact]
    public async Task A_mint_gives_the_next_token_id_its_owner_and_uri_and_emits_RewardMinted_and_Transfer()
    {
        var to = ChainFixture.AddressOf(3);
        var requestId = ChainCalls.NewRequestId();
        var before = await chain.Admin.QueryAsync<TotalMintedFunction, BigInteger>(chain.RewardsAddress, new TotalMintedFunction());

        var receipt = await chain.Admin.SendAsync(chain.RewardsAddress, new MintFunction { To = to, Uri = Uri, RequestId = requestId });

        var tokenId = before + 1;
        var minted = receipt.EventsOf<RewardMintedEventDTO>(chain.RewardsAddress).ShouldHaveSingleItem();
        minted.RequestId.ShouldBe(requestId);
        minted.TokenId.ShouldBe(tokenId);
        minted.To.ShouldBe(to, StringCompareShould.IgnoreCase);
        minted.Uri.ShouldBe(Uri);
        var transfer = receipt.EventsOf<TransferEventDTO>(chain.RewardsAddress).ShouldHaveSingleItem();
        transfer.From.ShouldBe("0x0000000000000000000000000000000000000000");
        transfer.To.ShouldBe(to, StringCompareShould.IgnoreCase);
        transfer.TokenId.ShouldBe(tokenId);

        (await chain.Admin.QueryAsync<TotalMintedFunction, BigInteger>(chain.RewardsAddress, new TotalMintedFunction())).ShouldBe(tokenId);
        (await chain.Admin.QueryAsync<OwnerOfFunction, string>(chain.RewardsAddress, new OwnerOfFunction { TokenId = tokenId }))
            .ShouldBe(to, StringCompareShould.IgnoreCase);
        (await chain.Admin.QueryAsync<TokenUriFunction, string>(chain.RewardsAddress, new TokenUriFunction { TokenId = tokenId })).ShouldBe(Uri);
        (await chain.Admin.QueryAsync<TokenIdForRequestFunction, BigInteger>(chain.RewardsAddress, new TokenIdForRequestFunction { RequestId = requestId }))
            .ShouldBe(tokenId);
    }

    [Fact]
    public async Task Token_ids_start_at_one_and_increase_by_one()
    {
        var first = await MintAsync(ChainCalls.NewRequestId());
        var second = await MintAsync(ChainCalls.NewRequestId());

        first.ShouldBeGreaterThanOrEqualTo(BigInteger.One);
        second.ShouldBe(first + 1);
        var total = await chain.Admin.QueryAsync<TotalMintedFunction, BigInteger>(chain.RewardsAddress, new TotalMintedFunction());
        for (var id = BigInteger.One; id <= total; id++)
        {
            (await chain.Admin.QueryAsync<OwnerOfFunction, string>(chain.RewardsAddress, new OwnerOfFunction { TokenId = id })).ShouldNotBeNullOrEmpty();
        }

        (await Reverts.WithAsync<ERC721NonexistentTokenError>(() =>
            chain.Admin.QueryAsync<OwnerOfFunction, string>(chain.RewardsAddress, new OwnerOfFunction { TokenId = BigInteger.Zero }))).TokenId.ShouldBe(0);
    }

    [Fact]
    public async Task A_second_mint_for_the_same_request_reverts_with_the_token_the_first_one_minted()
    {
        var requestId = ChainCalls.NewRequestId();
        var tokenId = await MintAsync(requestId);
        var total = await chain.Admin.QueryAsync<TotalMintedFunction, BigInteger>(chain.RewardsAddress, new TotalMintedFunction());

        var error = await Reverts.WithAsync<RequestAlreadyMintedError>(() =>
            chain.Admin.SendAsync(chain.RewardsAddress, new MintFunction { To = ChainFixture.AddressOf(4), Uri = "ipfs://other", RequestId = requestId }));

        error.RequestId.ToHex().ShouldBe(requestId.ToHex());
        error.TokenId.ShouldBe(tokenId);
        (await chain.Admin.QueryAsync<TotalMintedFunction, BigInteger>(chain.RewardsAddress, new TotalMintedFunction())).ShouldBe(total, "nothing was minted");
    }

    [Fact]
    public async Task An_unknown_request_has_no_token_and_a_zero_request_id_is_rejected()
    {
        (await chain.Admin.QueryAsync<TokenIdForRequestFunction, BigInteger>(chain.RewardsAddress,
            new TokenIdForRequestFunction { RequestId = ChainCalls.NewRequestId() })).ShouldBe(BigInteger.Zero);

        await Reverts.WithAsync<ZeroRequestIdError>(() =>
            chain.Admin.SendAsync(chain.RewardsAddress, new MintFunction { To = ChainFixture.AddressOf(3), Uri = Uri, RequestId = new byte[32] }));
    }

    [Fact]
    public async Task Minting_to_the_zero_address_is_rejected()
    {
        var error = await Reverts.WithAsync<ERC721InvalidReceiverError>(() => chain.Admin.SendAsync(chain.RewardsAddress,
            new MintFunction { To = "0x0000000000000000000000000000000000000000", Uri = Uri, RequestId = ChainCalls.NewRequestId() }));

        error.Receiver.ShouldBe("0x0000000000000000000000000000000000000000");
    }

    private async Task<BigInteger> MintAsync(byte[] requestId)
    {
        var receipt = await chain.Admin.SendAsync(chain.RewardsAddress, new MintFunction { To = ChainFixture.AddressOf(3), Uri = Uri, RequestId = requestId });
        return receipt.EventsOf<RewardMintedEventDTO>(chain.RewardsAddress).ShouldHaveSingleItem().TokenId;
    }
}
