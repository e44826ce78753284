using Marten;
using Prometheus;

namespace Xylo.Api.Features.Auth;

/// <summary><c>active_sessions</c>: refresh tokens that are neither rotated, revoked nor expired.</summary>
public sealed partial class SessionMetrics(IDocumentStore store, TimeProvider clock, ILogger<SessionMetrics> logger) : BackgroundService
{
    public static readonly Gauge ActiveSessions = Prometheus.Metrics.CreateGauge("active_sessions", "Live sign-in sessions (unexpired, unrevoked refresh tokens).");

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await using var session = store.QuerySession();
                var now = clock.GetUtcNow();
                ActiveSessions.Set(await session.Query<RefreshSession>()
                    .CountAsync(s => s.ReplacedBy == null && s.RevokedAt == null && s.ExpiresAt > now, stoppingToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting active sessions failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
