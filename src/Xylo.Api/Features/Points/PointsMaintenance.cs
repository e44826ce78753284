using Marten;
using Microsoft.Extensions.Options;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

public sealed class PointsOptions
{
    public const string Section = "Points";

    /// <summary>How often due lots are expired and holds past their time released.</summary>
    public int MaintenanceIntervalSeconds { get; set; } = 60;

    /// <summary>Accounts handled per maintenance round.</summary>
    public int MaintenanceBatch { get; set; } = 500;
}

/// <summary>
/// Expires due lots (only their unconsumed remainder) and releases holds nobody posted in time. Every
/// instance runs it; two instances touching one account collide on its stream version and the loser
/// simply leaves it to the next round.
/// </summary>
public sealed partial class PointsMaintenance(IDocumentStore store, TimeProvider clock, IOptions<PointsOptions> options, ILogger<PointsMaintenance> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.MaintenanceIntervalSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    public async Task<(int ExpiredLots, int ReleasedHolds)> RunOnceAsync(CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        List<Guid> due;
        await using (var query = store.QuerySession())
        {
            due = await query.Query<PointsAccount>()
                .Where(b => b.NextExpiryAt <= now || b.NextHoldExpiryAt <= now)
                .Select(b => b.Id).Take(options.Value.MaintenanceBatch).ToListAsync(cancellation) as List<Guid> ?? [];
        }

        int expired = 0, released = 0;
        foreach (var userId in due)
        {
            await using var session = store.LightweightSession();
            var account = await LedgerAccount.OpenAsync(session, userId, cancellation);
            if (account.State is null) continue;

            var expiry = PointsDecisions.ExpireLots(account.State, now);
            account.Append(expiry);
            var stale = PointsDecisions.ReleaseStaleHolds(account.State, now);
            account.Append(stale);
            try
            {
                await session.SaveChangesAsync(cancellation);
                expired += expiry.Events.Count;
                released += stale.Events.Count;
            }
            catch (JasperFx.ConcurrencyException)
            {
                // Someone else changed the account meanwhile; it is still due and comes back next round.
            }
        }

        if (expired + released > 0) LogRound(logger, expired, released, due.Count);
        return (expired, released);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Points maintenance: {Expired} lots expired, {Released} stale holds released across {Accounts} accounts")]
    private static partial void LogRound(ILogger logger, int expired, int released, int accounts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Points maintenance round failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
