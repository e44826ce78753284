using Marten;

namespace Xylo.Api.Operations.Logging;

/// <summary>
/// Wolverine middleware on every endpoint that writes through a Marten session: the events it appends carry
/// the request's correlation id — the caller's X-Correlation-Id once checked, else the trace id — the same
/// id the response and the log lines show.
/// </summary>
public static class CorrelationIdOnEvents
{
    public static void Before(HttpContext httpContext, IDocumentSession session)
    {
        if (CorrelationIdMiddleware.Get(httpContext) is { } correlationId) session.CorrelationId = correlationId;
    }
}
