using Microsoft.AspNetCore.Diagnostics;

namespace Xylo.Api.Operations.Logging;

/// <summary>The route template of a request (never the raw path), so logs and metric labels stay bounded.</summary>
public static class RouteLabel
{
    public const string Unmatched = "unmatched";

    public static string Of(HttpContext context)
    {
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return endpoint is RouteEndpoint { RoutePattern.RawText: { } template }
            ? "/" + template.TrimStart('/')
            : Unmatched;
    }
}
