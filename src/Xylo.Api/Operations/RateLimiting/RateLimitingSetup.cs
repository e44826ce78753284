using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Prometheus;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Xylo.Api.Operations.RateLimiting;

public static partial class RateLimitingSetup
{
    public const string RejectionDetail = "Too many requests from this IP";

    private static readonly Counter FallbackRequests = Prometheus.Metrics.CreateCounter(
        "xylo_rate_limit_fallback_total", "Requests rate-limited in-process because Redis was unreachable.");

    public static IServiceCollection AddXyloRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.TrustedProxies.All(p => IPNetwork.TryParse(p, out _) || IPAddress.TryParse(p, out _)),
                "RateLimiting:TrustedProxies holds an entry that is neither an IP address nor a CIDR network")
            .ValidateOnStart();

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<RateLimitingOptions>>((forwarded, limits) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in limits.Value.TrustedProxies)
            {
                if (IPAddress.TryParse(proxy, out var address)) forwarded.KnownProxies.Add(address);
                else forwarded.KnownIPNetworks.Add(IPNetwork.Parse(proxy));
            }
        });

        _ = FallbackRequests; // published at startup, so its alert and panel see the series at 0
        services.AddSingleton<ClientIpLimiter>();
        services.AddOptions<RateLimiterOptions>().Configure<ClientIpLimiter, IOptions<RateLimitingOptions>>((options, limiter, limits) =>
        {
            options.GlobalLimiter = limiter.Limiter;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellation) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero
                    ? wait
                    : limits.Value.Window;
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too Many Requests",
                        Detail = RejectionDetail,
                        Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4",
                    },
                });
            };
        });
        services.AddRateLimiter(_ => { });
        return services;
    }

    public static bool IsExempt(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    /// <summary>One fixed window per client IP, counted in Redis so every instance enforces the same limit.</summary>
    internal sealed partial class ClientIpLimiter(IConnectionMultiplexer redis, IOptions<RateLimitingOptions> options, ILogger<ClientIpLimiter> logger)
    {
        private int _degraded;

        public PartitionedRateLimiter<HttpContext> Limiter => field ??= PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (IsExempt(context.Request.Path)) return RateLimitPartition.GetNoLimiter("exempt");

            var limits = options.Value;
            var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return new RateLimitPartition<string>(client, key => new FallbackRateLimiter(
                new RedisFixedWindowRateLimiter<string>($"{limits.KeyPrefix}:{key}", new RedisFixedWindowRateLimiterOptions
                {
                    ConnectionMultiplexerFactory = () => redis,
                    PermitLimit = limits.PermitLimit,
                    Window = limits.Window,
                }),
                new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PermitLimit,
                    Window = limits.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }),
                OnFallback,
                OnRecovered));
        });

        private void OnFallback(Exception exception)
        {
            FallbackRequests.Inc();
            if (Interlocked.Exchange(ref _degraded, 1) == 0) LogFallback(logger, exception.GetType().Name, exception.Message);
        }

        private void OnRecovered()
        {
            if (Interlocked.Exchange(ref _degraded, 0) == 1) LogRecovered(logger);
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limiting falls back to in-process counters: Redis is unreachable ({Failure}: {Reason}); limits are now per instance")]
        private static partial void LogFallback(ILogger logger, string failure, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Rate limiting counts in Redis again")]
        private static partial void LogRecovered(ILogger logger);
    }
}
