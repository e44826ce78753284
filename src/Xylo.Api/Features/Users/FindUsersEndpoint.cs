using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Projections.Users;

namespace Xylo.Api.Features.Users;

/// <summary>The users a search found, by handle.</summary>
public sealed record FoundUsers(IReadOnlyList<UserProfile> Users);

/// <summary><c>GET /admin/users?q=</c>: the users an admin means, by id, by handle prefix or by X username (the console's users page).</summary>
public static class FindUsersEndpoint
{
    public const int MaxLimit = 100;
    public const int MaxQueryLength = 64;

    [WolverineGet("/admin/users"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Get(string? q, int? limit, IQuerySession session, CancellationToken cancellation)
    {
        var text = q?.Trim() ?? "";
        if (text.Length is 0 or > MaxQueryLength) return Problems.Invalid("q", $"is required: a user id, the start of a handle or an X username (1–{MaxQueryLength} characters)");
        if (limit is < 1 or > MaxLimit) return Problems.Invalid("limit", $"must be between 1 and {MaxLimit}");

        if (Guid.TryParse(text, out var id))
        {
            return Results.Ok(new FoundUsers(await session.LoadAsync<UserProfile>(id, cancellation) is { } one ? [one] : []));
        }

        var username = text.TrimStart('@');
        var found = await session.Query<UserProfile>()
            .Where(u => u.Handle.StartsWith(text) || u.XUsername == username)
            .OrderBy(u => u.Handle)
            .Take(limit ?? 20)
            .ToListAsync(cancellation);
        return Results.Ok(new FoundUsers(found));
    }
}
