namespace Xylo.Api.Features.Wallets;

/// <summary>A single-use SIWE nonce issued to one user; versioned, so two concurrent uses cannot both succeed.</summary>
public sealed record WalletNonce(string Id, Guid UserId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt = null);
