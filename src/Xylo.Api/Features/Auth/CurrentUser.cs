using System.Security.Claims;

namespace Xylo.Api.Features.Auth;

public static class CurrentUser
{
    public const string SubjectClaim = "sub";
    public const string HandleClaim = "handle";
    public const string RoleClaim = "role";

    public static Guid Id(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SubjectClaim), out var id)
            ? id
            : throw new InvalidOperationException("the endpoint requires an authenticated user");
}
