using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Typed messages for contracts/src/test/TestToken.sol, the freely mintable ERC-20 the vault tests use.
#pragma warning disable CA1711 // "…EventDTO" / "…Error" are Nethereum's naming conventions
namespace Xylo.Api.Chain.Contracts;

public sealed class TestTokenDeployment() : ContractDeploymentMessage(ContractArtifacts.TestToken.Bytecode);

[Function("mint")]
public sealed class TestTokenMintFunction : FunctionMessage
{
    [Parameter("address", "to", 1)]
    public string To { get; set; } = "";

    [Parameter("uint256", "amount", 2)]
    public BigInteger Amount { get; set; }
}

[Function("approve", "bool")]
public sealed class ApproveFunction : FunctionMessage
{
    [Parameter("address", "spender", 1)]
    public string Spender { get; set; } = "";

    [Parameter("uint256", "value", 2)]
    public BigInteger Value { get; set; }
}

[Function("balanceOf", "uint256")]
public sealed class TokenBalanceOfFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";
}

[Event("Transfer")]
public sealed class TokenTransferEventDTO : IEventDTO
{
    [Parameter("address", "from", 1, true)]
    public string From { get; set; } = "";

    [Parameter("address", "to", 2, true)]
    public string To { get; set; } = "";

    [Parameter("uint256", "value", 3, false)]
    public BigInteger Value { get; set; }
}

[Error("ERC20InsufficientAllowance")]
public sealed class ERC20InsufficientAllowanceError : IErrorDTO
{
    [Parameter("address", "spender", 1)]
    public string Spender { get; set; } = "";

    [Parameter("uint256", "allowance", 2)]
    public BigInteger Allowance { get; set; }

    [Parameter("uint256", "needed", 3)]
    public BigInteger Needed { get; set; }
}

[Error("ERC20InsufficientBalance")]
public sealed class ERC20InsufficientBalanceError : IErrorDTO
{
    [Parameter("address", "sender", 1)]
    public string Sender { get; set; } = "";

    [Parameter("uint256", "balance", 2)]
    public BigInteger Balance { get; set; }

    [Parameter("uint256", "needed", 3)]
    public BigInteger Needed { get; set; }
}
