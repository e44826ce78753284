using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Auth;

/// <summary>
/// <c>GET /auth/x/callback</c>: the OAuth handler has checked the state and exchanged the code with
/// the PKCE verifier; here the X account becomes our user and the response is our token pair.
/// </summary>
public static partial class XCallback
{
    public static async Task CompleteAsync(TicketReceivedContext context)
    {
        context.HandleResponse();
        var principal = context.Principal!;
        var identity = new ExternalIdentity(
            ExternalLogin.X,
            principal.FindFirstValue(ClaimTypes.NameIdentifier)!,
            principal.FindFirstValue(ClaimTypes.Name)!,
            principal.FindFirstValue(XProfile.UsernameClaim));

        var signIn = context.HttpContext.RequestServices.GetRequiredService<SignInService>();
        var outcome = await signIn.SignInAsync(identity, [], context.HttpContext.RequestAborted);
        await SignInResults.WriteAsync(context.HttpContext, outcome);
    }

    public static async Task FailAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(XCallback));
        LogFailure(logger, context.Failure?.Message ?? "unknown");
        await Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "X sign-in failed",
            detail: context.Failure?.Message ?? "the X callback could not be completed").ExecuteAsync(context.HttpContext);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "X sign-in failed: {Reason}")]
    private static partial void LogFailure(ILogger logger, string reason);
}
