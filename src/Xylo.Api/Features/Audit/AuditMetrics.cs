using Prometheus;
using Xylo.Projections.Audit;

namespace Xylo.Api.Features.Audit;

/// <summary>The hash chain's lag, read from the database at each scrape (whichever node runs the chain).</summary>
public static class AuditMetrics
{
    private static readonly Gauge ChainLag = Prometheus.Metrics.CreateGauge("xylo_audit_chain_lag_events",
        "Committed events the audit hash chain has not hashed yet.");

    public static void Publish(IServiceProvider services)
    {
        var log = services.GetRequiredService<EventLogDatabase>();
        var verifier = services.GetRequiredService<AuditChainVerifier>();
        var logger = services.GetRequiredService<ILogger<AuditChainVerifier>>();
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellation =>
        {
            try
            {
                await using var connection = await log.OpenAsync(cancellation);
                await using var command = new Npgsql.NpgsqlCommand($"select coalesce(max(seq_id), 0) from {log.Chain}", connection);
                var head = (long)(await command.ExecuteScalarAsync(cancellation))!;
                ChainLag.Set(await verifier.UnhashedAsync(connection, head, cancellation));
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not read the audit chain lag for /metrics");
            }
        });
    }
}
