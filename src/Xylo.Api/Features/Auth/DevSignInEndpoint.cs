using Xylo.Domain.Users;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Auth;

public sealed record DevSignInRequest(string? Handle, IReadOnlyList<string>? Roles);

/// <summary>
/// <c>POST /auth/dev/sign-in</c>: sign in (registering on first use) without X, optionally with roles,
/// so every endpoint can be tried after <c>./xylo run</c>. Mapped only in Development; elsewhere it is a 404.
/// </summary>
public static class DevSignInEndpoint
{
    public static IEndpointRouteBuilder MapDevSignIn(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.MapPost("/auth/dev/sign-in", SignInAsync).WithName("DevSignIn").WithTags("Auth").AllowAnonymous();
        }

        return app;
    }

    private static async Task<IResult> SignInAsync(DevSignInRequest request, SignInService signIn, CancellationToken cancellation)
    {
        var handle = request.Handle?.Trim();
        if (string.IsNullOrEmpty(handle) || handle.Length > RegisterUserDecision.MaxHandleLength)
        {
            return Problems.Invalid("handle", $"is required (1–{RegisterUserDecision.MaxHandleLength} characters)");
        }

        var roles = request.Roles ?? [];
        if (roles.FirstOrDefault(role => !Roles.IsGrantable(role)) is { } unknown)
        {
            return Problems.Invalid("roles", $"'{unknown}' is not one of: {string.Join(", ", Roles.Grantable)}");
        }

        var outcome = await signIn.SignInAsync(new ExternalIdentity(ExternalLogin.Development, handle, handle), roles, cancellation);
        return SignInResults.From(outcome);
    }
}
