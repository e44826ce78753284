using Microsoft.AspNetCore.Authentication;
using Wolverine.Http;

namespace Xylo.Api.Features.Auth;

public static class XLoginEndpoint
{
    /// <summary>Redirects to X's authorize page (state and the PKCE S256 challenge are added by the OAuth handler).</summary>
    [WolverineGet("/auth/x/login")]
    public static IResult Get() => Results.Challenge(new AuthenticationProperties(), [XOAuthHandler.SchemeName]);
}
