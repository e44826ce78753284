using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Typed messages for contracts/src/XyloRewards.sol, one class per function, event and error.
// Names and order follow the Solidity ABI; keep them in step with the contract.
#pragma warning disable CA1711 // "…EventDTO" / "…Error" are Nethereum's naming conventions
namespace Xylo.Api.Chain.Contracts;

public sealed class XyloRewardsDeployment() : ContractDeploymentMessage(ContractArtifacts.Rewards.Bytecode)
{
    [Parameter("string", "name_", 1)]
    public string Name { get; set; } = "";

    [Parameter("string", "symbol_", 2)]
    public string Symbol { get; set; } = "";

    [Parameter("address", "admin", 3)]
    public string Admin { get; set; } = "";
}

/// <summary>The role hashes the contract checks (keccak256 of the role name; the admin role is zero).</summary>
public static class XyloRoles
{
    public static readonly byte[] DefaultAdmin = new byte[32];
    public static readonly byte[] Minter = Nethereum.Util.Sha3Keccack.Current.CalculateHash("MINTER_ROLE"u8.ToArray());
    public static readonly byte[] Pauser = Nethereum.Util.Sha3Keccack.Current.CalculateHash("PAUSER_ROLE"u8.ToArray());
}

[Function("mint", "uint256")]
public sealed class MintFunction : FunctionMessage
{
    [Parameter("address", "to", 1)]
    public string To { get; set; } = "";

    [Parameter("string", "uri", 2)]
    public string Uri { get; set; } = "";

    /// <summary>32 bytes, never all zero: the mint request's id, which makes the mint idempotent on chain.</summary>
    [Parameter("bytes32", "requestId", 3)]
    public byte[] RequestId { get; set; } = new byte[32];
}

[Function("tokenIdForRequest", "uint256")]
public sealed class TokenIdForRequestFunction : FunctionMessage
{
    [Parameter("bytes32", "requestId", 1)]
    public byte[] RequestId { get; set; } = new byte[32];
}

[Function("totalMinted", "uint256")]
public sealed class TotalMintedFunction : FunctionMessage;

[Function("paused", "bool")]
public sealed class PausedFunction : FunctionMessage;

[Function("pause")]
public sealed class PauseFunction : FunctionMessage;

[Function("unpause")]
public sealed class UnpauseFunction : FunctionMessage;

[Function("ownerOf", "address")]
public sealed class OwnerOfFunction : FunctionMessage
{
    [Parameter("uint256", "tokenId", 1)]
    public BigInteger TokenId { get; set; }
}

[Function("tokenURI", "string")]
public sealed class TokenUriFunction : FunctionMessage
{
    [Parameter("uint256", "tokenId", 1)]
    public BigInteger TokenId { get; set; }
}

[Function("hasRole", "bool")]
public sealed class HasRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = new byte[32];

    [Parameter("address", "account", 2)]
    public string Account { get; set; } = "";
}

[Function("grantRole")]
public sealed class GrantRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = new byte[32];

    [Parameter("address", "account", 2)]
    public string Account { get; set; } = "";
}

[Function("revokeRole")]
public sealed class RevokeRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = new byte[32];

    [Parameter("address", "account", 2)]
    public string Account { get; set; } = "";
}

[Event("RewardMinted")]
public sealed class RewardMintedEventDTO : IEventDTO
{
    [Parameter("bytes32", "requestId", 1, true)]
    public byte[] RequestId { get; set; } = [];

    [Parameter("uint256", "tokenId", 2, true)]
    public BigInteger TokenId { get; set; }

    [Parameter("address", "to", 3, true)]
    public string To { get; set; } = "";

    [Parameter("string", "uri", 4, false)]
    public string Uri { get; set; } = "";
}

/// <summary>The ERC-721 Transfer; ERC-20 Transfer has the same topic, so filter logs by contract address.</summary>
[Event("Transfer")]
public sealed class TransferEventDTO : IEventDTO
{
    [Parameter("address", "from", 1, true)]
    public string From { get; set; } = "";

    [Parameter("address", "to", 2, true)]
    public string To { get; set; } = "";

    [Parameter("uint256", "tokenId", 3, true)]
    public BigInteger TokenId { get; set; }
}

[Error("RequestAlreadyMinted")]
public sealed class RequestAlreadyMintedError : IErrorDTO
{
    [Parameter("bytes32", "requestId", 1)]
    public byte[] RequestId { get; set; } = [];

    [Parameter("uint256", "tokenId", 2)]
    public BigInteger TokenId { get; set; }
}

[Error("ZeroRequestId")]
public sealed class ZeroRequestIdError : IErrorDTO;

[Error("EnforcedPause")]
public sealed class EnforcedPauseError : IErrorDTO;

[Error("ExpectedPause")]
public sealed class ExpectedPauseError : IErrorDTO;

[Error("AccessControlUnauthorizedAccount")]
public sealed class AccessControlUnauthorizedAccountError : IErrorDTO
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";

    [Parameter("bytes32", "neededRole", 2)]
    public byte[] NeededRole { get; set; } = [];
}

[Error("AccessControlBadConfirmation")]
public sealed class AccessControlBadConfirmationError : IErrorDTO;

[Error("ERC721NonexistentToken")]
public sealed class ERC721NonexistentTokenError : IErrorDTO
{
    [Parameter("uint256", "tokenId", 1)]
    public BigInteger TokenId { get; set; }
}

[Error("ERC721InvalidReceiver")]
public sealed class ERC721InvalidReceiverError : IErrorDTO
{
    [Parameter("address", "receiver", 1)]
    public string Receiver { get; set; } = "";
}

[Error("ERC721InvalidSender")]
public sealed class ERC721InvalidSenderError : IErrorDTO
{
    [Parameter("address", "sender", 1)]
    public string Sender { get; set; } = "";
}

[Error("ERC721InvalidOwner")]
public sealed class ERC721InvalidOwnerError : IErrorDTO
{
    [Parameter("address", "owner", 1)]
    public string Owner { get; set; } = "";
}

[Error("ERC721IncorrectOwner")]
public sealed class ERC721IncorrectOwnerError : IErrorDTO
{
    [Parameter("address", "sender", 1)]
    public string Sender { get; set; } = "";

    [Parameter("uint256", "tokenId", 2)]
    public BigInteger TokenId { get; set; }

    [Parameter("address", "owner", 3)]
    public string Owner { get; set; } = "";
}

[Error("ERC721InsufficientApproval")]
public sealed class ERC721InsufficientApprovalError : IErrorDTO
{
    [Parameter("address", "operator", 1)]
    public string Operator { get; set; } = "";

    [Parameter("uint256", "tokenId", 2)]
    public BigInteger TokenId { get; set; }
}

[Error("ERC721InvalidApprover")]
public sealed class ERC721InvalidApproverError : IErrorDTO
{
    [Parameter("address", "approver", 1)]
    public string Approver { get; set; } = "";
}

[Error("ERC721InvalidOperator")]
public sealed class ERC721InvalidOperatorError : IErrorDTO
{
    [Parameter("address", "operator", 1)]
    public string Operator { get; set; } = "";
}
