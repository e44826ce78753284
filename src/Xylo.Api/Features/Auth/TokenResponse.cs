namespace Xylo.Api.Features.Auth;

public sealed record SignedInUser(Guid Id, string Handle, IReadOnlyList<string> Roles);

/// <summary>What every sign-in and refresh returns.</summary>
public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    SignedInUser User);
