namespace Xylo.Api.Features.Auth;

/// <summary>
/// One refresh token, stored by the SHA-256 of its value (the value itself is never stored). Tokens
/// of one sign-in share a family: presenting a rotated token again revokes the whole family.
/// </summary>
public sealed record RefreshSession(
    string Id,
    Guid FamilyId,
    Guid UserId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string? ReplacedBy = null,
    DateTimeOffset? RevokedAt = null,
    string? RevokedReason = null)
{
    public bool IsLive(DateTimeOffset now) => ReplacedBy is null && RevokedAt is null && ExpiresAt > now;
}
