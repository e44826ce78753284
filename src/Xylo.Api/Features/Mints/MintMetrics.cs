using Marten;
using Marten.Services;
using Prometheus;
using Xylo.Domain.Mints;

namespace Xylo.Api.Features.Mints;

/// <summary>Mints by the status they committed, how long they took, and the chain figures the reconciler reads.</summary>
public sealed class MintMetrics : DocumentSessionListenerBase
{
    private static readonly Counter Mints = Prometheus.Metrics.CreateCounter("xylo_mints_total", "Mints reaching a status (queued, signed, broadcast, replaced, confirmed, failed, deferred).",
        new CounterConfiguration { LabelNames = ["status"] });

    private static readonly Histogram Latency = Prometheus.Metrics.CreateHistogram("xylo_mint_latency_seconds", "Time from a mint request to its confirmation on chain.",
        new HistogramConfiguration { Buckets = [0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60, 120, 300, 600] });

    public static readonly Gauge PendingTransactions = Prometheus.Metrics.CreateGauge("xylo_chain_transactions_pending", "Mint transactions signed or broadcast and not yet confirmed or failed.");

    public static readonly Gauge OldestPendingSeconds = Prometheus.Metrics.CreateGauge("xylo_chain_oldest_pending_seconds", "Age of the oldest unfinished mint.");

    public static readonly Gauge SignerBalance = Prometheus.Metrics.CreateGauge("xylo_signer_balance", "The signer's balance in the chain's native coin (POL on Polygon).");

    public static void Publish()
    {
        _ = Mints;
        _ = Latency;
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var e in commit.GetEvents())
        {
            switch (e.Data)
            {
                case MintRequested: Mints.WithLabels("queued").Inc(); break;
                case MintResumed or MintNonceTakenElsewhere: Mints.WithLabels("queued").Inc(); break;
                case MintTransactionSigned: Mints.WithLabels("signed").Inc(); break;
                case MintTransactionBroadcast: Mints.WithLabels("broadcast").Inc(); break;
                case MintTransactionReplaced: Mints.WithLabels("replaced").Inc(); break;
                case MintDeferred: Mints.WithLabels("deferred").Inc(); break;
                case MintFailed: Mints.WithLabels("failed").Inc(); break;
                case MintConfirmed x:
                    Mints.WithLabels("confirmed").Inc();
                    Latency.Observe(Math.Max(0, (x.ConfirmedAt - x.RequestedAt).TotalSeconds));
                    break;
            }
        }

        return Task.CompletedTask;
    }
}
