using System.ComponentModel.DataAnnotations;

namespace Xylo.Api.Features.Auth;

/// <summary>Sessions, X sign-in endpoints and bootstrap admins (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "xylo";

    public string Audience { get; set; } = "xylo-api";

    [Range(1, 1440)]
    public int AccessTokenMinutes { get; set; } = 15;

    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>X user ids (or, for the development sign-in, handles) made admin when they sign in.</summary>
    public List<string> BootstrapAdmins { get; set; } = [];

    /// <summary>Where the X callback sends the browser when the caller asked for a redirect (otherwise JSON).</summary>
    public XEndpoints X { get; set; } = new();

    public TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(AccessTokenMinutes);

    public TimeSpan RefreshTokenLifetime => TimeSpan.FromDays(RefreshTokenDays);
}

/// <summary>X's OAuth 2.0 endpoints; configurable so tests point them at a fake on loopback.</summary>
public sealed class XEndpoints
{
    [Url]
    public string AuthorizationEndpoint { get; set; } = "https://x.com/i/oauth2/authorize";

    [Url]
    public string TokenEndpoint { get; set; } = "https://api.x.com/2/oauth2/token";

    [Url]
    public string UserInformationEndpoint { get; set; } = "https://api.x.com/2/users/me";
}
