using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Timeouts;

namespace Xylo.Api.Operations.Security;

/// <summary>How much a request may send and how long it may take, per endpoint.</summary>
public static class RequestBounds
{
    /// <summary>Every command body is a few fields; an endpoint that takes more says so with <c>[RequestSizeLimit]</c> (bulk awards).</summary>
    public const long DefaultBodyBytes = 64 * 1024;

    /// <summary>Bulk awards: 10,000 entries with reasons of up to 500 characters.</summary>
    public const long AwardsBodyBytes = 8 * 1024 * 1024;

    /// <summary>Ten thousand awards in 20 batches on a busy database.</summary>
    public const int AwardsTimeoutMilliseconds = 300_000;
    public static readonly TimeSpan DefaultTimeoutLength = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddXyloRequestBounds(this IServiceCollection services) =>
        services.AddRequestTimeouts(options =>
        {
            // Exports stream for as long as the range takes and opt out with [DisableRequestTimeout].
            options.DefaultPolicy = new RequestTimeoutPolicy { Timeout = DefaultTimeoutLength, TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable };
        });

    private static bool Unprintable(string? value) => value is not null && Errors.StorableTextConverter.Unstorable(value);

    private static ValueTask RefuseAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }

    public static IApplicationBuilder UseXyloRequestBounds(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? DefaultBodyBytes;
            if (context.Request.ContentLength > limit)
            {
                await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, $"the body is larger than this endpoint takes ({limit:N0} bytes)");
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body) body.MaxRequestBodySize = limit;

            // A NUL or another control character in the path or the query would reach a key in PostgreSQL (which cannot store
            // NUL) or a log line; no id or filter of XYLO has one.
            if (Unprintable(context.Request.Path.Value) || context.Request.Query.Any(q => Unprintable(q.Key) || q.Value.Any(Unprintable)))
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, "the path or the query holds a control character");
                return;
            }

            if (Errors.QueryTypes.FirstMistyped(context) is { } mistyped)
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, $"the query value of '{mistyped.Name}' must be {mistyped.Expected}");
                return;
            }

            await next(context);
        });
        return app;
    }
}
