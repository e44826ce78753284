using Prometheus;
using Xylo.Api.EventLog;

namespace Xylo.Api.Features.Audit;

/// <summary>The hash chain's lag, read from the database at each scrape (whichever node runs the chain).</summary>
public static class AuditMetrics
{
    private static readonly Gauge ChainLag = Prometheus.Metrics.CreateGauge("xylo_audit_chain_lag_events",
        "Committed events the audit hash chain has not hashed yet.");

    public static void Publish(IServiceProvider services)
    {
        var chain = services.GetRequiredService<AuditChainTable>();
        var logger = services.GetRequiredService<ILogger<AuditChainVerifier>>();
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellation =>
        {
            try
            {
                ChainLag.Set(await chain.LagAsync(cancellation));
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not read the audit chain lag for /metrics");
            }
        });
    }
}
