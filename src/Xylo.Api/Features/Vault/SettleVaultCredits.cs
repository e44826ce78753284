namespace Xylo.Api.Features.Vault;

/// <summary>Apply the vault-deposit rule to a wallet's unsettled deposits (credit new ones, reverse reorged ones); idempotent.</summary>
public sealed record SettleVaultCredits(string Wallet);
