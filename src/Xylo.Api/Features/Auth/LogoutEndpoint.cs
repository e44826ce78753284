using Microsoft.AspNetCore.Authorization;
using Marten;
using Wolverine.Http;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Auth;

public static class LogoutEndpoint
{
    /// <summary>Revokes the session the refresh token belongs to. Unknown or already revoked tokens answer 204 too.</summary>
    [WolverinePost("/auth/logout"), AllowAnonymous]
    public static async Task<IResult> Post(RefreshRequest request, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken)) return Problems.Invalid("refreshToken", "is required");

        var current = await session.LoadAsync<RefreshSession>(TokenIssuer.Hash(request.RefreshToken), cancellation);
        if (current is not null)
        {
            await RefreshEndpoint.RevokeFamilyAsync(session, current.FamilyId, "logout", clock.GetUtcNow(), cancellation);
        }

        return Results.NoContent();
    }
}
