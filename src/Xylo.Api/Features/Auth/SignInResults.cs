namespace Xylo.Api.Features.Auth;

public static class SignInResults
{
    public static IResult From(SignInOutcome outcome) => outcome switch
    {
        SignInOutcome.SignedIn signedIn => Results.Ok(signedIn.Tokens),
        _ => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account suspended", detail: "this account is suspended"),
    };

    public static Task WriteAsync(HttpContext context, SignInOutcome outcome) => From(outcome).ExecuteAsync(context);
}
