using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Xylo.Api.Operations.Errors;

/// <summary>
/// PostgreSQL restarting, refusing connections or failing over: the request may be retried as it is, so it is a 503 with
/// Retry-After (an Idempotency-Key makes the retry safe), not a 500. Marten and Wolverine wrap Npgsql's exception, hence the walk.
/// </summary>
public sealed partial class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (Transient(exception) is not { } failure) return false;

        LogUnavailable(logger, failure.GetType().Name, (failure as PostgresException)?.SqlState, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service Unavailable",
                Detail = "the database is briefly unavailable; retry after the Retry-After delay (with the same Idempotency-Key)",
            },
        });
    }

    public static NpgsqlException? Transient(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } npgsql) return npgsql;
            if (current is AggregateException aggregate) return aggregate.InnerExceptions.Select(Transient).FirstOrDefault(e => e is not null);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable ({Failure} {SqlState}) on {Path}: answered 503")]
    private static partial void LogUnavailable(ILogger logger, string failure, string? sqlState, string path);
}
