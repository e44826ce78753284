namespace Xylo.Api.External.YouTube;

// Google's error body: { "error": { "code", "message", "errors": [{ "reason", "domain" }], "status", "details": [{ "reason" }] } }.
internal sealed record ErrorResponse(ErrorBody? Error)
{
    private static readonly HashSet<string> QuotaReasons = new(StringComparer.OrdinalIgnoreCase)
    {
        "quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED",
    };

    /// <summary>The most specific reason given: an ErrorInfo reason (API_KEY_INVALID) before a legacy one (badRequest).</summary>
    public string? Reason => Reasons.FirstOrDefault();

    /// <summary>Out of quota: YouTube will answer again later, so the lookup is unavailable rather than refused.</summary>
    public bool IsQuota =>
        Reasons.Any(QuotaReasons.Contains)
        || Error?.Errors?.Any(e => string.Equals(e.Domain, "youtube.quota", StringComparison.Ordinal)) == true;

    private IEnumerable<string> Reasons =>
        (Error?.Details?.Select(d => d.Reason) ?? [])
        .Concat(Error?.Errors?.Select(e => e.Reason) ?? [])
        .Append(Error?.Status)
        .OfType<string>()
        .Where(r => r.Length > 0);
}

internal sealed record ErrorBody(int Code, string? Message, IReadOnlyList<ErrorItem>? Errors, string? Status, IReadOnlyList<ErrorDetail>? Details);

internal sealed record ErrorItem(string? Reason, string? Domain, string? Message);

internal sealed record ErrorDetail(string? Reason, string? Domain);
