using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Xylo.Domain;

namespace Xylo.Api.Operations.Errors;

/// <summary>Business rejections as RFC 9457 problems, never exceptions.</summary>
public static class Problems
{
    public static IResult ToProblem(this Rejection rejection) => Results.Problem(rejection.ToProblemDetails());

    public static ProblemDetails ToProblemDetails(this Rejection rejection) => new()
    {
        Status = rejection.Kind switch
        {
            RejectionKind.Invalid => StatusCodes.Status400BadRequest,
            RejectionKind.Forbidden => StatusCodes.Status403Forbidden,
            RejectionKind.NotFound => StatusCodes.Status404NotFound,
            RejectionKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        },
        Detail = rejection.Message,
    };

    /// <summary>
    /// What a <c>Validate</c> method of an aggregate endpoint returns: the decision, for the endpoint to return its events,
    /// and the problem that stops the request when the decision is a rejection.
    /// </summary>
    public static (TDecision, ProblemDetails) Checked<TDecision>(this TDecision decision) where TDecision : Decision =>
        (decision, decision.Rejection?.ToProblemDetails() ?? WolverineContinue.NoProblems);

    public static IResult Invalid(string field, string message) => Results.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [message] }, detail: $"{field}: {message}");

    public static IResult NotFound(string detail) => Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: detail);

    public static IResult Unauthorized(string detail) => Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: detail);
}
