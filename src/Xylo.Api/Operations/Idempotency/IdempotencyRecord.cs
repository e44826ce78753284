using JasperFx.Metadata;

namespace Xylo.Api.Operations.Idempotency;

/// <summary>
/// One caller's use of one <c>Idempotency-Key</c>: claimed while its request runs (by <see cref="Attempt"/>,
/// until <see cref="LeaseExpiresAt"/>), then holding the response that every retry gets back.
/// Versioned, so a takeover and a late completion cannot both win.
/// </summary>
public sealed record IdempotencyRecord : IVersioned
{
    public required string Id { get; init; }

    public required string Caller { get; init; }

    public required string Key { get; init; }

    public required string Method { get; init; }

    /// <summary>Path and query string.</summary>
    public required string Target { get; init; }

    public required string BodySha256 { get; init; }

    /// <summary>Which execution owns the key; a takeover gives it a new one.</summary>
    public required Guid Attempt { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset LeaseExpiresAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public int? StatusCode { get; init; }

    public string? ContentType { get; init; }

    public string? Location { get; init; }

    public byte[]? Body { get; init; }

    /// <summary>Marten's version of the stored row, checked on every update.</summary>
    public Guid Version { get; set; }

    public static IdempotencyRecord Start(IdempotentRequest request, DateTimeOffset now, IdempotencyOptions options) => new()
    {
        Id = request.RecordId,
        Caller = request.Caller,
        Key = request.Key,
        Method = request.Method,
        Target = request.Target,
        BodySha256 = request.BodySha256,
        Attempt = Guid.CreateVersion7(),
        StartedAt = now,
        LeaseExpiresAt = now + options.Lease,
        ExpiresAt = now + options.Retention,
    };

    public bool IsCompleted() => CompletedAt is not null;

    public IdempotencyRecord Complete(int statusCode, string? contentType, string? location, byte[] body, DateTimeOffset now, IdempotencyOptions options) => this with
    {
        CompletedAt = now,
        StatusCode = statusCode,
        ContentType = contentType,
        Location = location,
        Body = body,
        ExpiresAt = now + options.Retention,
    };
}
