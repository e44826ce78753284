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

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        AcquireAsyncCore(permitCount, CancellationToken.None).AsTask().GetAwaiter().GetResult();

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
