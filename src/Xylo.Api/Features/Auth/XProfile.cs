using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace Xylo.Api.Features.Auth;

/// <summary>Reads the signed-in X account from <c>GET /2/users/me</c> into the external ticket.</summary>
public static class XProfile
{
    public const string UsernameClaim = "x:username";

    public static async Task ReadAsync(OAuthCreatingTicketContext context)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, context.Options.UserInformationEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.HttpContext.RequestAborted));
        var data = document.RootElement.GetProperty("data");

        var identity = context.Identity!;
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, data.GetProperty("id").GetString()!));
        identity.AddClaim(new Claim(UsernameClaim, data.GetProperty("username").GetString()!));
        identity.AddClaim(new Claim(ClaimTypes.Name, data.TryGetProperty("name", out var name) ? name.GetString()! : data.GetProperty("username").GetString()!));
    }
}
