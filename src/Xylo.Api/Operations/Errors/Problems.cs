using Xylo.Domain;

namespace Xylo.Api.Operations.Errors;

/// <summary>Business rejections as RFC 9457 problems, never exceptions.</summary>
public static class Problems
{
    public static IResult ToProblem(this Rejection rejection) => Results.Problem(
        statusCode: rejection.Kind switch
        {
            RejectionKind.Invalid => StatusCodes.Status400BadRequest,
            RejectionKind.Forbidden => StatusCodes.Status403Forbidden,
            RejectionKind.NotFound => StatusCodes.Status404NotFound,
            RejectionKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        },
        detail: rejection.Message);

    public static IResult Invalid(string field, string message) => Results.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [message] }, detail: $"{field}: {message}");

    public static IResult NotFound(string detail) => Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: detail);

    public static IResult Unauthorized(string detail) => Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: detail);
}
