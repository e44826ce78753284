using Microsoft.AspNetCore.Authorization;
using Marten;
using Wolverine.Http;
using Xylo.Api.Operations.Errors;
using Xylo.Projections.Users;

namespace Xylo.Api.Features.Auth;

public sealed record RefreshRequest(string? RefreshToken);

public static partial class RefreshEndpoint
{
    /// <summary>Rotates the refresh token. A token presented after it was rotated is a theft signal: its whole family is revoked.</summary>
    [WolverinePost("/auth/refresh"), AllowAnonymous]
    public static async Task<IResult> Post(RefreshRequest request, IDocumentSession session, TokenIssuer tokens, TimeProvider clock, ILogger<RefreshRequest> logger, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken)) return Problems.Invalid("refreshToken", "is required");

        var now = clock.GetUtcNow();
        var current = await session.LoadAsync<RefreshSession>(TokenIssuer.Hash(request.RefreshToken), cancellation);
        if (current is null) return Problems.Unauthorized("unknown refresh token");

        if (current.ReplacedBy is not null || current.RevokedAt is not null)
        {
            if (current.ReplacedBy is not null)
            {
                LogReuse(logger, current.FamilyId, current.UserId);
                await RevokeFamilyAsync(session, current.FamilyId, "reuse of a rotated refresh token", now, cancellation);
            }

            return Problems.Unauthorized("refresh token is no longer valid; sign in again");
        }

        if (current.ExpiresAt <= now) return Problems.Unauthorized("refresh token expired; sign in again");

        var profile = await session.LoadAsync<UserProfile>(current.UserId, cancellation);
        if (profile is null || profile.Suspended)
        {
            await RevokeFamilyAsync(session, current.FamilyId, "account suspended", now, cancellation);
            return Problems.Unauthorized("the account is suspended");
        }

        var response = tokens.Issue(session, new SignedInUser(profile.Id, profile.Handle, profile.Roles), current.FamilyId);
        session.Store(current with { ReplacedBy = TokenIssuer.Hash(response.RefreshToken) });
        return Results.Ok(response);
    }

    internal static async Task RevokeFamilyAsync(IDocumentSession session, Guid familyId, string reason, DateTimeOffset now, CancellationToken cancellation)
    {
        var family = await session.Query<RefreshSession>().Where(s => s.FamilyId == familyId && s.RevokedAt == null).ToListAsync(cancellation);
        foreach (var member in family) session.Store(member with { RevokedAt = now, RevokedReason = reason });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rotated refresh token presented again: revoking session family {FamilyId} of user {UserId}")]
    private static partial void LogReuse(ILogger logger, Guid familyId, Guid userId);
}
