using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Net.Http.Headers;
using Wolverine.Http;
using Xylo.Api.EventLog;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.RateLimiting;

namespace Xylo.Api.Features.Audit;

public static class AuditExportEndpoint
{
    public const string NdJson = "application/x-ndjson";
    private const int FlushEvery = 1000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    /// <summary>
    /// The filtered range as NDJSON, one event per line, streamed row by row from one database cursor (no
    /// bound: memory stays flat however long the range), gzip-compressed when the client accepts gzip.
    /// </summary>
    [WolverineGet("/audit/export"), Authorize(Policy = Policies.Auditor), EnableRateLimiting(RateLimitingSetup.AuditReads), DisableRequestTimeout]
    public static IResult Get(string? streamId, string? streamType, string? eventType, string? from, string? to, string? after,
        string? limit, AuditedAggregates aggregates, EventLogDatabase log, HttpContext context)
    {
        var (filter, problem) = AuditEventFilter.Parse(aggregates, streamId, streamType, eventType, from, to, after, limit, paged: false);
        if (problem is not null) return problem;

        var gzip = AcceptsGzip(context.Request);
        context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (gzip) context.Response.Headers.ContentEncoding = "gzip";
        return Results.Stream(async body =>
        {
            var cancellation = context.RequestAborted;
            await using var output = gzip ? new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true) : body;
            var lines = 0;
            await foreach (var e in log.QueryAsync(filter!, cancellation))
            {
                await JsonSerializer.SerializeAsync(output, AuditEvent.From(e), Json, cancellation);
                await output.WriteAsync(NewLine, cancellation); // Kestrel refuses synchronous writes
                if (++lines % FlushEvery == 0) await output.FlushAsync(cancellation);
            }
        }, NdJson);
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e => e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && e.Quality is not 0);
}
