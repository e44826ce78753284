using System.ComponentModel.DataAnnotations;

namespace Xylo.Api.Operations.Idempotency;

public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long a stored response answers retries; at least a day, far beyond Wolverine's inbox window.</summary>
    [Range(24, 24 * 366)]
    public int RetentionHours { get; set; } = 48;

    [Range(1, 24 * 60)]
    public int CleanupIntervalMinutes { get; set; } = 60;

    /// <summary>How long a duplicate waits for the first request with its key before answering 409.</summary>
    [Range(0, 60)]
    public int WaitSeconds { get; set; } = 10;

    /// <summary>After this, a request still "in progress" is presumed dead (its process died) and its key may be taken over.</summary>
    [Range(5, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Responses with larger bodies are not stored: the key is released and a retry runs again.</summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxStoredBodyBytes { get; set; } = 1024 * 1024;

    public TimeSpan Retention => TimeSpan.FromHours(RetentionHours);

    public TimeSpan CleanupInterval => TimeSpan.FromMinutes(CleanupIntervalMinutes);

    public TimeSpan Wait => TimeSpan.FromSeconds(WaitSeconds);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}
