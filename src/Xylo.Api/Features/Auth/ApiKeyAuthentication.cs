using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Xylo.Api.Features.Auth;

/// <summary>
/// Integrations (a partner's backend awarding points) authenticate with <c>X-Api-Key</c>; the keys
/// come from the secret <c>INTEGRATION_API_KEYS</c> (comma separated) and become the role <c>integration</c>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string IntegrationRole = "integration";
    public const string KeysSetting = "INTEGRATION_API_KEYS";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers[HeaderName].ToString() is not { Length: > 0 } presented) return Task.FromResult(AuthenticateResult.NoResult());

        var keys = (configuration[KeysSetting] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var index = Array.FindIndex(keys, key => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), presentedHash));
        if (index < 0) return Task.FromResult(AuthenticateResult.Fail("unknown API key"));

        var identity = new ClaimsIdentity(
            [new Claim(CurrentUser.SubjectClaim, $"integration-key-{index + 1}"), new Claim(CurrentUser.RoleClaim, IntegrationRole)],
            SchemeName, CurrentUser.SubjectClaim, CurrentUser.RoleClaim);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
