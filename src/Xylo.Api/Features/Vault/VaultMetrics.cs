using Prometheus;

namespace Xylo.Api.Features.Vault;

public static class VaultMetrics
{
    public static readonly Gauge Lag = Prometheus.Metrics.CreateGauge("xylo_vault_indexer_lag_blocks", "Blocks between the vault indexer's cursor and the chain's safe head.");

    public static readonly Counter Deposits = Prometheus.Metrics.CreateCounter("xylo_vault_deposits_total", "Vault deposits indexed, by token (native or the token's address).",
        new CounterConfiguration { LabelNames = ["token"] });

    public static readonly Counter Reorgs = Prometheus.Metrics.CreateCounter("xylo_vault_reorgs_total", "Chain reorganisations the vault indexer compensated.");

    public static void Publish()
    {
        _ = Lag;
        _ = Reorgs;
    }
}
