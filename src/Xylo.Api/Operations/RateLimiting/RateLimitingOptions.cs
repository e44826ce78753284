using System.ComponentModel.DataAnnotations;

namespace Xylo.Api.Operations.RateLimiting;

/// <summary>The guide's rule by default: 100 requests per 15 minutes per client IP.</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 100;

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 900;

    /// <summary>Redis key prefix; instances sharing it share one limit.</summary>
    [Required, MinLength(1)]
    public string KeyPrefix { get; set; } = "xylo:rate";

    /// <summary>Addresses or CIDR networks whose X-Forwarded-For is believed. Empty: nobody's.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
