namespace Xylo.Api.Operations.Security;

public static class TokenCaching
{
    /// <summary>
    /// Responses under <c>/auth</c> carry access and refresh tokens (or the redirects that lead to them): no browser, proxy or
    /// CDN may keep a copy (RFC 6749 §5.1).
    /// </summary>
    public static IApplicationBuilder UseNoStoreForTokens(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/auth"))
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.Pragma = "no-cache";
        }

        return next(context);
    });
}
