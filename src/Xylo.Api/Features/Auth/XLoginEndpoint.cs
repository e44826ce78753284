using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication;
using Wolverine.Http;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Features.Auth;

public static class XLoginEndpoint
{
    /// <summary>Redirects to X's authorize page (state and the PKCE S256 challenge are added by the OAuth handler).</summary>
    [WolverineGet("/auth/x/login"), AllowAnonymous]
    public static IResult Get(IConfiguration configuration) =>
        configuration[XyloSecrets.XClientId] is { Length: > 0 } && configuration[XyloSecrets.XClientSecret] is { Length: > 0 }
            ? Results.Challenge(new AuthenticationProperties(), [XOAuthHandler.SchemeName])
            : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "X sign-in is not configured",
                detail: $"set {XyloSecrets.XClientId} and {XyloSecrets.XClientSecret}");
}
