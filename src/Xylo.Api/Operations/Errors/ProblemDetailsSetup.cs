using Xylo.Api.Operations.Logging;

namespace Xylo.Api.Operations.Errors;

public static partial class ProblemDetailsSetup
{
    [System.Text.RegularExpressions.GeneratedRegex(@"Path: (\$[^ |]*)")]
    private static partial System.Text.RegularExpressions.Regex JsonPath();

    /// <summary>RFC 9457 bodies for every error status, each carrying the trace and correlation ids an operator searches logs by.</summary>
    public static IServiceCollection AddXyloProblemDetails(this IServiceCollection services)
    {
        services.AddExceptionHandler<ConflictExceptionHandler>();
        services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new StorableTextConverter()));
        return services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            if (CorrelationIdMiddleware.Get(context.HttpContext) is { } correlationId)
            {
                context.ProblemDetails.Extensions["correlationId"] = correlationId;
            }

            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;

            // Wolverine puts System.Text.Json's message in the detail, type names and all ("could not be converted to
            // System.Nullable`1[System.Int64]"): the client learns where its JSON is wrong, not how XYLO is built.
            if (context.ProblemDetails.Title == "Invalid JSON format")
            {
                var path = JsonPath().Match(context.ProblemDetails.Detail ?? "") is { Success: true } found ? found.Groups[1].Value : null;
                context.ProblemDetails.Detail = (context.ProblemDetails.Detail ?? "").Contains(StorableTextConverter.Refusal, StringComparison.Ordinal)
                    ? $"{StorableTextConverter.Refusal}: XYLO stores no NUL, control character (but tab and line breaks) or bidirectional override"
                    : path is null ? "the body is not valid JSON for this request" : $"the body is not valid JSON for this request (the value of {path})";
            }

            // The stack trace helps a developer at their desk and nobody else.
            if (context.Exception is { } exception && context.ProblemDetails.Status >= 500
                && context.HttpContext.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
            {
                context.ProblemDetails.Extensions["exception"] = exception.ToString();
            }
        });
    }
}
