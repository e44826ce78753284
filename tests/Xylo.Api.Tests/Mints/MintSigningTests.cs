using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Model;
using Nethereum.Signer;
using Shouldly;
using Xylo.Api.Chain;

namespace Xylo.Api.Tests.Mints;

/// <summary>The signer's own recoverable signature gives Nethereum's bytes exactly, so a node takes them as it did before.</summary>
public sealed class MintSigningTests
{
    // anvil's second account: a public development key.
    private const string Key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    private const string Contract = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

    [Fact]
    public void A_signed_mint_transaction_is_byte_for_byte_what_Nethereums_signer_gives_and_recovers_to_the_signer()
    {
        var gateway = new ChainGateway(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PRIVATE_KEY"] = Key, ["CHAIN_RPC_URL"] = "http://127.0.0.1:1" }).Build(),
            Options.Create(new ChainOptions { ChainId = 80002, RewardsContract = Contract }),
            Options.Create(new MintPipelineOptions()));
        var key = new EthECKey(Key);
        var fees = new FeeQuote(3_000_000_000, 1_000_000_000);

        // Enough nonces that some r or s has a leading zero byte (about one in 128 each).
        for (var nonce = 0L; nonce < 600; nonce++)
        {
            var callData = "0x" + nonce.ToString("x64");
            var ours = gateway.Sign(Contract, callData, nonce, 150_000, fees);

            var theirs = new Transaction1559Signer().SignTransaction(key,
                new Transaction1559(80002, nonce, fees.MaxPriorityFeePerGas, fees.MaxFeePerGas, 150_000, Contract, 0, callData, [])).EnsureHexPrefix();
            ours.RawTransaction.ShouldBe(theirs, $"nonce {nonce}");
            ours.Signer.ShouldBe(key.GetPublicAddress().ToLowerInvariant());
        }

        var decoded = (Transaction1559)TransactionFactory.CreateTransaction(gateway.Sign(Contract, "0x", 7, 150_000, fees).RawTransaction);
        decoded.GetSenderAddress().ShouldBe(key.GetPublicAddress(), StringCompareShould.IgnoreCase);
    }
}
