using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Typed messages for contracts/src/XyloVault.sol. pause/unpause/paused, the role functions and the
// AccessControl/Pausable errors are the same as XyloRewards' (XyloRewardsContract.cs) and shared.
#pragma warning disable CA1711 // "…EventDTO" / "…Error" are Nethereum's naming conventions
namespace Xylo.Api.Chain.Contracts;

public sealed class XyloVaultDeployment() : ContractDeploymentMessage(ContractArtifacts.Vault.Bytecode)
{
    [Parameter("address", "admin", 1)]
    public string Admin { get; set; } = "";
}

/// <summary>Send the native amount as <see cref="ContractMessageBase.AmountToSend"/>.</summary>
[Function("deposit")]
public sealed class DepositFunction : FunctionMessage;

[Function("depositToken")]
public sealed class DepositTokenFunction : FunctionMessage
{
    [Parameter("address", "token", 1)]
    public string Token { get; set; } = "";

    [Parameter("uint256", "amount", 2)]
    public BigInteger Amount { get; set; }
}

[Function("withdraw")]
public sealed class WithdrawFunction : FunctionMessage
{
    [Parameter("uint256", "amount", 1)]
    public BigInteger Amount { get; set; }
}

[Function("withdrawToken")]
public sealed class WithdrawTokenFunction : FunctionMessage
{
    [Parameter("address", "token", 1)]
    public string Token { get; set; } = "";

    [Parameter("uint256", "amount", 2)]
    public BigInteger Amount { get; set; }
}

[Function("setTokenAllowed")]
public sealed class SetTokenAllowedFunction : FunctionMessage
{
    [Parameter("address", "token", 1)]
    public string Token { get; set; } = "";

    [Parameter("bool", "allowed", 2)]
    public bool Allowed { get; set; }
}

[Function("isTokenAllowed", "bool")]
public sealed class IsTokenAllowedFunction : FunctionMessage
{
    [Parameter("address", "token", 1)]
    public string Token { get; set; } = "";
}

/// <summary>An account's vault balance of a token; token <see cref="VaultTokens.Native"/> is the native currency.</summary>
[Function("balanceOf", "uint256")]
public sealed class BalanceOfFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";

    [Parameter("address", "token", 2)]
    public string Token { get; set; } = "";
}

public static class VaultTokens
{
    /// <summary>The vault's token address for the chain's native currency.</summary>
    public const string Native = "0x0000000000000000000000000000000000000000";
}

[Event("Deposited")]
public sealed class DepositedEventDTO : IEventDTO
{
    [Parameter("address", "account", 1, true)]
    public string Account { get; set; } = "";

    [Parameter("address", "token", 2, true)]
    public string Token { get; set; } = "";

    [Parameter("uint256", "amount", 3, false)]
    public BigInteger Amount { get; set; }
}

[Event("Withdrawn")]
public sealed class WithdrawnEventDTO : IEventDTO
{
    [Parameter("address", "account", 1, true)]
    public string Account { get; set; } = "";

    [Parameter("address", "token", 2, true)]
    public string Token { get; set; } = "";

    [Parameter("uint256", "amount", 3, false)]
    public BigInteger Amount { get; set; }
}

[Event("TokenAllowed")]
public sealed class TokenAllowedEventDTO : IEventDTO
{
    [Parameter("address", "token", 1, true)]
    public string Token { get; set; } = "";

    [Parameter("bool", "allowed", 2, false)]
    public bool Allowed { get; set; }
}

[Error("TokenNotAllowed")]
public sealed class TokenNotAllowedError : IErrorDTO
{
    [Parameter("address", "token", 1)]
    public string Token { get; set; } = "";
}

[Error("ZeroAmount")]
public sealed class ZeroAmountError : IErrorDTO;

[Error("InsufficientBalance")]
public sealed class InsufficientBalanceError : IErrorDTO
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";

    [Parameter("address", "token", 2)]
    public string Token { get; set; } = "";

    [Parameter("uint256", "requested", 3)]
    public BigInteger Requested { get; set; }

    [Parameter("uint256", "available", 4)]
    public BigInteger Available { get; set; }
}

[Error("NativeTransferFailed")]
public sealed class NativeTransferFailedError : IErrorDTO
{
    [Parameter("address", "to", 1)]
    public string To { get; set; } = "";

    [Parameter("uint256", "amount", 2)]
    public BigInteger Amount { get; set; }
}

[Error("ReentrancyGuardReentrantCall")]
public sealed class ReentrancyGuardReentrantCallError : IErrorDTO;

[Error("SafeERC20FailedOperation")]
public sealed class SafeERC20FailedOperationError : IErrorDTO
{
    [Parameter("address", "token", 1)]
    public string Token { get; set; } = "";
}
