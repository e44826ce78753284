using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;

namespace Xylo.Api.Operations.Errors;

/// <summary>
/// Two requests raced for the same stream (a wallet, a channel, a login) and this one lost: that is a
/// 409 the client can act on, not a server error, wherever in the pipeline the store noticed it.
/// </summary>
public sealed partial class ConflictExceptionHandler(IProblemDetailsService problems, ILogger<ConflictExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (ExistingStreamIdCollisionException or JasperFx.ConcurrencyException)) return false;

        LogConflict(logger, exception.GetType().Name, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status409Conflict;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = "another request changed the same thing at the same time; read it again and retry",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Concurrent write lost ({Failure}) on {Path}: answered 409")]
    private static partial void LogConflict(ILogger logger, string failure, string path);
}
