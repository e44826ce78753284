using Marten;
using Marten.Services;
using Prometheus;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

/// <summary>Counts what the ledger committed (never what was merely attempted).</summary>
public sealed class PointsMetrics : DocumentSessionListenerBase
{
    private static readonly Counter Issued = Prometheus.Metrics.CreateCounter("xylo_points_issued_total", "Points credited, by rule.",
        new CounterConfiguration { LabelNames = ["rule"] });

    private static readonly Counter Spent = Prometheus.Metrics.CreateCounter("xylo_points_spent_total", "Points spent (posted holds and deductions).");
    private static readonly Counter Expired = Prometheus.Metrics.CreateCounter("xylo_points_expired_total", "Points expired (unconsumed lot remainders).");
    private static readonly Counter Held = Prometheus.Metrics.CreateCounter("xylo_points_held_total", "Points reserved by holds.");
    private static readonly Counter Released = Prometheus.Metrics.CreateCounter("xylo_points_released_total", "Points returned by voided or timed-out holds.");

    public static void Publish()
    {
        _ = Issued;
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var e in commit.GetEvents())
        {
            switch (e.Data)
            {
                case PointsEarned x: Issued.WithLabels(x.Rule).Inc(x.Amount); break;
                case PointsSpent x: Spent.Inc(x.Amount); break;
                case PointsDeducted x: Spent.Inc(x.Amount); break;
                case PointsExpired x: Expired.Inc(x.Amount); break;
                case PointsReserved x: Held.Inc(x.Amount); break;
                case PointsReleased x: Released.Inc(x.Amount); break;
            }
        }

        return Task.CompletedTask;
    }
}
