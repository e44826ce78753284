using Xylo.Api.Operations.Logging;

namespace Xylo.Api.Operations.Errors;

public static class ProblemDetailsSetup
{
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

            // The stack trace helps a developer at their desk and nobody else.
            if (context.Exception is { } exception && context.ProblemDetails.Status >= 500
                && context.HttpContext.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
            {
                context.ProblemDetails.Extensions["exception"] = exception.ToString();
            }
        });
    }
}
