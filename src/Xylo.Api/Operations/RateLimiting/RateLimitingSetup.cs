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
    public const string AuditReads = "audit-reads";
    public const int AuditReadsAtOnce = 4;

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
            // Audit reads and exports scan the event log: a few at a time per instance, a short queue, the rest 429.
            options.AddConcurrencyLimiter(AuditReads, audit =>
            {
                audit.PermitLimit = AuditReadsAtOnce;
                audit.QueueLimit = AuditReadsAtOnce;
                audit.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
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

    /// <summary>Liveness only: it touches nothing. Readiness and metrics do real work and have their own limit.</summary>
    public static bool IsExempt(PathString path) => path.Equals("/health", StringComparison.OrdinalIgnoreCase);

    /// <summary>Readiness (PostgreSQL, Redis, the paid chain RPC) and metrics: scrapers and load balancers, not people.</summary>
    public static bool IsOperations(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    public const int OperationsPermitsPerMinute = 120;

    /// <summary>
    /// Whom a limit counts: an IPv4 address, or the /64 of an IPv6 one (a host picks any address of its /64, so counting
    /// addresses let one client rotate through 2^64 budgets).
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    /// <summary>One fixed window per client IP, counted in Redis so every instance enforces the same limit.</summary>
    internal sealed partial class ClientIpLimiter(IConnectionMultiplexer redis, IOptions<RateLimitingOptions> options, ILogger<ClientIpLimiter> logger)
    {
        private int _degraded;

        public PartitionedRateLimiter<HttpContext> Limiter => field ??= PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (IsExempt(context.Request.Path)) return RateLimitPartition.GetNoLimiter("exempt");

            var limits = options.Value;
            var client = ClientKey(context.Connection.RemoteIpAddress);
            if (IsOperations(context.Request.Path))
            {
                return RateLimitPartition.GetFixedWindowLimiter($"operations:{client}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = OperationsPermitsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            }

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
