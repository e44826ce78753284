using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Features.Auth;

/// <summary>Short-lived HS256 access tokens and opaque, rotating refresh tokens stored hashed.</summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, IConfiguration configuration, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public static SymmetricSecurityKey SigningKey(IConfiguration configuration) =>
        new(Encoding.UTF8.GetBytes(configuration[XyloSecrets.JwtSecret]
            ?? throw new InvalidOperationException($"{XyloSecrets.JwtSecret} is not set")));

    /// <summary>Set during a rotation of <c>JWT_SECRET</c>: tokens signed with it stay valid until they expire.</summary>
    public const string PreviousSecret = "JWT_SECRET_PREVIOUS";

    public static IEnumerable<SecurityKey> ValidationKeys(IConfiguration configuration) =>
        configuration[PreviousSecret] is { Length: > 0 } previous
            ? [SigningKey(configuration), new SymmetricSecurityKey(Encoding.UTF8.GetBytes(previous))]
            : [SigningKey(configuration)];

    /// <summary>Stages a new refresh session (in <paramref name="session"/>, saved by the caller) and returns both tokens.</summary>
    public TokenResponse Issue(IDocumentSession session, SignedInUser user, Guid familyId)
    {
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var refreshToken = NewRefreshToken();
        var refresh = new RefreshSession(Hash(refreshToken), familyId, user.Id, now, now + settings.RefreshTokenLifetime);
        session.Store(refresh);

        var accessToken = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + settings.AccessTokenLifetime).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [CurrentUser.SubjectClaim] = user.Id.ToString(),
                [JwtRegisteredClaimNames.Jti] = Guid.CreateVersion7().ToString("N"),
                [CurrentUser.HandleClaim] = user.Handle,
                [CurrentUser.RoleClaim] = user.Roles.ToArray(),
            },
            SigningCredentials = new SigningCredentials(SigningKey(configuration), SecurityAlgorithms.HmacSha256),
        });

        return new TokenResponse(accessToken, "Bearer", (int)settings.AccessTokenLifetime.TotalSeconds, refreshToken, refresh.ExpiresAt, user);
    }

    public static string Hash(string refreshToken) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));

    private static string NewRefreshToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
}
