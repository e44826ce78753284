using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace Xylo.Api.Operations.RateLimiting;

/// <summary>
/// Asks the shared (Redis) limiter first; when Redis cannot answer, the in-process limiter decides,
/// so an outage degrades the limit to per-instance instead of switching it off.
/// </summary>
public sealed class FallbackRateLimiter(RateLimiter shared, RateLimiter local, Action<Exception> onFallback, Action onRecovered) : RateLimiter
{
    public override TimeSpan? IdleDuration =>
        shared.IdleDuration is { } a && local.IdleDuration is { } b ? (a < b ? a : b) : null;

    public override RateLimiterStatistics? GetStatistics() => shared.GetStatistics();

    /// <summary>
    /// Never blocks a request thread on Redis: ASP.NET Core's middleware tries this synchronous path first
    /// and, when it is not granted, asks <see cref="AcquireAsyncCore"/>, where the Redis round trip belongs.
    /// </summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotAttempted.Instance;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            var lease = await shared.AcquireAsync(permitCount, cancellationToken);
            onRecovered();
            return lease;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            onFallback(ex);
            return await local.AcquireAsync(permitCount, cancellationToken);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await shared.DisposeAsync();
        await local.DisposeAsync();
    }
}

/// <summary>"Ask asynchronously": a synchronous answer that grants nothing and says nothing about limits.</summary>
internal sealed class NotAttempted : RateLimitLease
{
    public static readonly NotAttempted Instance = new();

    public override bool IsAcquired => false;

    public override IEnumerable<string> MetadataNames => [];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }
}
