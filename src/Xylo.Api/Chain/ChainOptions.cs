using Microsoft.Extensions.Options;
using Nethereum.Util;

namespace Xylo.Api.Chain;

/// <summary>
/// Section <c>Chain</c>: which chain and which deployed contracts the API talks to. The RPC URL and the
/// signer key are secrets (<c>CHAIN_RPC_URL</c>, <c>PRIVATE_KEY</c>); <c>contracts deploy</c> writes the rest.
/// </summary>
public sealed class ChainOptions
{
    public const string Section = "Chain";

    /// <summary>80002 is Polygon Amoy and the local anvil chain; 137 is Polygon mainnet.</summary>
    public long ChainId { get; set; } = 80002;

    public string? RewardsContract { get; set; }

    public string? VaultContract { get; set; }

    /// <summary>The block the contracts were deployed in: where log scans start.</summary>
    public long? DeploymentBlock { get; set; }

    /// <summary>The hash of <see cref="DeploymentBlock"/>: a chain that no longer has it was reset, and the addresses are stale.</summary>
    public string? DeploymentBlockHash { get; set; }

    /// <summary>The block explorer's base URL, for links to transactions and tokens.</summary>
    public string? ExplorerUrl { get; set; }
}

public sealed class ChainOptionsValidator : IValidateOptions<ChainOptions>
{
    public ValidateOptionsResult Validate(string? name, ChainOptions options)
    {
        var failures = new List<string>();
        if (options.ChainId <= 0) failures.Add($"Chain:ChainId must be positive, not {options.ChainId}");
        CheckAddress(nameof(ChainOptions.RewardsContract), options.RewardsContract, failures);
        CheckAddress(nameof(ChainOptions.VaultContract), options.VaultContract, failures);
        if (options.DeploymentBlock is < 0) failures.Add($"Chain:DeploymentBlock must not be negative, not {options.DeploymentBlock}");
        if (options.DeploymentBlockHash is { Length: > 0 } hash && !IsHash(hash))
        {
            failures.Add($"Chain:DeploymentBlockHash must be 0x and 64 hex digits, not '{hash}'");
        }

        if (options.DeploymentBlockHash is { Length: > 0 } && options.DeploymentBlock is null)
        {
            failures.Add("Chain:DeploymentBlockHash needs Chain:DeploymentBlock");
        }

        if (options.ExplorerUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"Chain:ExplorerUrl must be an absolute http(s) URL, not '{url}'");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>0x + 40 hex digits; mixed case must be a valid EIP-55 checksum (it catches typos).</summary>
    public static bool IsAddress(string address) =>
        AddressUtil.Current.IsValidEthereumAddressHexFormat(address)
        && (address[2..] == address[2..].ToLowerInvariant() || address[2..] == address[2..].ToUpperInvariant()
            || AddressUtil.Current.IsChecksumAddress(address));

    private static void CheckAddress(string name, string? address, List<string> failures)
    {
        if (!string.IsNullOrEmpty(address) && !IsAddress(address))
        {
            failures.Add($"Chain:{name} must be an address (0x and 40 hex digits, EIP-55 checksum if mixed case), not '{address}'");
        }
    }

    private static bool IsHash(string value) =>
        value.Length == 66 && value.StartsWith("0x", StringComparison.Ordinal) && value[2..].All(Uri.IsHexDigit);
}
