using System.Diagnostics;
using System.Text.RegularExpressions;
using Serilog.Context;

namespace Xylo.Api.Operations.Logging;

/// <summary>
/// Accepts a caller's X-Correlation-Id (or makes one), echoes it, and attaches it to every log line of the request.
/// </summary>
public sealed partial class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Correlation-Id";
    private const string ItemKey = "xylo.correlation-id";

    public async Task InvokeAsync(HttpContext context)
    {
        var offered = context.Request.Headers[HeaderName].ToString();
        // Without a caller's id, the request's trace id: the one Wolverine stamps on the events this request appends.
        var correlationId = SafeId().IsMatch(offered) ? offered
            : Activity.Current?.TraceId.ToHexString() ?? Guid.CreateVersion7().ToString("N");
        context.Items[ItemKey] = correlationId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = correlationId;
            return Task.CompletedTask;
        });

        using (LogContext.PushProperty("CorrelationId", correlationId))
        {
            await next(context);
        }
    }

    public static string? Get(HttpContext context) => context.Items[ItemKey] as string;

    // Bounded and log-safe: anything else is replaced rather than echoed into logs and headers.
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex SafeId();
}
