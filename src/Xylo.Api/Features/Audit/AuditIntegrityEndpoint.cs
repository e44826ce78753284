using Microsoft.AspNetCore.RateLimiting;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.RateLimiting;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Audit;

public static class AuditIntegrityEndpoint
{
    /// <summary>Verifies the hash chain over sequences from..to (default: all of it) and shows the chain head.</summary>
    [WolverineGet("/audit/integrity"), Authorize(Policy = Policies.Auditor), EnableRateLimiting(RateLimitingSetup.AuditReads)]
    public static async Task<IResult> Get(string? from, string? to, AuditChainVerifier verifier, CancellationToken cancellation)
    {
        if (!TrySequence(from, out var first)) return Problems.Invalid("from", "must be a sequence number");
        if (!TrySequence(to, out var last)) return Problems.Invalid("to", "must be a sequence number");
        if (first > last) return Problems.Invalid("to", "must not be below from");
        return Results.Ok(await verifier.VerifyAsync(first, last, cancellation));
    }

    private static bool TrySequence(string? text, out long? sequence)
    {
        sequence = null;
        if (text is null) return true;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return false;
        sequence = value;
        return true;
    }
}
