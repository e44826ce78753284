using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Xylo.Api.Operations.Configuration;
using Xylo.Domain.Users;
using Xylo.Projections.Users;

namespace Xylo.Api.Features.Auth;

public static class AuthSetup
{
    public const string NotConfigured = "not-configured";
    private const string ExternalCookie = "x-external";

    /// <summary>JWT bearer for the API, X's OAuth 2.0 + PKCE for sign-in, and role policies.</summary>
    public static IServiceCollection AddXyloAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TokenIssuer>();
        services.AddScoped<SignInService>();
        services.AddHostedService<SessionMetrics>();

        services.AddDataProtection().SetApplicationName("xylo");
        services.AddOptions<KeyManagementOptions>().Configure<IDocumentStore>((keys, store) => keys.XmlRepository = new MartenXmlRepository(store));

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddCookie(ExternalCookie)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { })
            .AddOAuth<OAuthOptions, XOAuthHandler>(XOAuthHandler.SchemeName, _ => { });

        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IConfiguration, IOptions<AuthOptions>, TimeProvider>((bearer, configuration, auth, clock) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    // The previous secret keeps validating while it rotates out (docs/security.md): tokens live minutes.
                    IssuerSigningKeys = TokenIssuer.ValidationKeys(configuration),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = CurrentUser.SubjectClaim,
                    RoleClaimType = CurrentUser.RoleClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    // Tokens are issued on the application clock; they are judged on the same one. A custom validator
                    // replaces RequireExpirationTime, so a token without exp (one that would never expire) is refused here.
                    LifetimeValidator = (notBefore, expires, _, parameters) =>
                    {
                        var now = clock.GetUtcNow().UtcDateTime;
                        return (notBefore is null || notBefore.Value <= now + parameters.ClockSkew)
                            && expires is { } expiry && expiry > now - parameters.ClockSkew;
                    },
                };
                bearer.Events = new JwtBearerEvents { OnTokenValidated = ApplyCurrentAccessAsync };
            });

        services.AddOptions<OAuthOptions>(XOAuthHandler.SchemeName)
            .Configure<IConfiguration, IOptions<AuthOptions>>((x, configuration, auth) =>
            {
                // The handler validates its options on every request; an unconfigured X answers at /auth/x/login instead.
                x.ClientId = configuration[XyloSecrets.XClientId] ?? NotConfigured;
                x.ClientSecret = configuration[XyloSecrets.XClientSecret] ?? NotConfigured;
                x.AuthorizationEndpoint = auth.Value.X.AuthorizationEndpoint;
                x.TokenEndpoint = auth.Value.X.TokenEndpoint;
                x.UserInformationEndpoint = auth.Value.X.UserInformationEndpoint;
                x.CallbackPath = "/auth/x/callback";
                x.UsePkce = true;
                x.Scope.Clear();
                x.Scope.Add("users.read");
                x.Scope.Add("tweet.read");
                x.SignInScheme = ExternalCookie;
                // The callback is a top-level GET from X: Lax cookies arrive, and http://localhost works in development.
                x.CorrelationCookie.SameSite = SameSiteMode.Lax;
                x.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                x.Events = new OAuthEvents
                {
                    OnCreatingTicket = XProfile.ReadAsync,
                    OnTicketReceived = XCallback.CompleteAsync,
                    OnRemoteFailure = XCallback.FailAsync,
                };
            });

        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = false);
        services.AddAuthorizationBuilder()
            // Closed by default: an endpoint without its own policy needs a signed-in caller unless it says [AllowAnonymous].
            // A request that matched no endpoint passes, so an unknown path stays a 404.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .RequireAssertion(context => context.User.Identity?.IsAuthenticated == true
                    || (context.Resource is HttpContext http && http.GetEndpoint() is null))
                .Build())
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Auditor, policy => policy.RequireRole(Roles.Auditor))
            .AddPolicy(Policies.Awarder, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme, ApiKeyAuthenticationHandler.SchemeName)
                .RequireRole(Roles.Admin, ApiKeyAuthenticationHandler.IntegrationRole));
        return services;
    }

    /// <summary>
    /// Every request re-reads the user's profile: a suspended user's token stops working at once, and
    /// roles come from the current profile, not from what the token said when it was issued.
    /// </summary>
    private static async Task ApplyCurrentAccessAsync(TokenValidatedContext context)
    {
        if (!Guid.TryParse(context.Principal?.FindFirstValue(CurrentUser.SubjectClaim), out var userId))
        {
            context.Fail("the token has no subject");
            return;
        }

        await using var session = context.HttpContext.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
        var profile = await session.LoadAsync<UserProfile>(userId, context.HttpContext.RequestAborted);
        // While the UserProfile view is rebuilt its rows are gone: the user's own stream (kept inline with every write)
        // answers instead, so a rebuild does not sign everybody out.
        var (roles, suspended) = profile is not null
            ? (profile.Roles, profile.Suspended)
            : await session.LoadAsync<User>(userId, context.HttpContext.RequestAborted) is { } user
                ? ((IEnumerable<string>)user.Roles, user.Suspended)
                : ((IEnumerable<string>?)null, false);
        if (roles is null || suspended)
        {
            context.Fail(roles is null ? "unknown user" : "the account is suspended");
            return;
        }

        var claims = context.Principal!.Claims.Where(c => c.Type != CurrentUser.RoleClaim)
            .Concat(roles.Select(role => new Claim(CurrentUser.RoleClaim, role)));
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, JwtBearerDefaults.AuthenticationScheme, CurrentUser.SubjectClaim, CurrentUser.RoleClaim));
    }
}
