using Marten;
using Microsoft.Extensions.Options;

namespace Xylo.Api.Operations.Idempotency;

/// <summary>Deletes idempotency records past their retention, every <c>Idempotency:CleanupIntervalMinutes</c>.</summary>
public sealed partial class IdempotencyCleaner(
    IDocumentStore store,
    TimeProvider clock,
    IOptions<IdempotencyOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<IdempotencyCleaner> logger) : BackgroundService
{
    /// <summary>Deletes the records that expired before <paramref name="now"/>; returns how many there were.</summary>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        var expired = await session.Query<IdempotencyRecord>().CountAsync(r => r.ExpiresAt <= now, cancellation);
        if (expired == 0) return 0;

        session.DeleteWhere<IdempotencyRecord>(r => r.ExpiresAt <= now);
        await session.SaveChangesAsync(cancellation);
        LogDeleted(logger, expired, now);
        return expired;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not before the host has started: Marten creates the table on startup, and racing it helps nobody.
        await WhenStartedAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.CleanupInterval, clock);
        do
        {
            try
            {
                await DeleteExpiredAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} idempotency records that expired by {Now}")]
    private static partial void LogDeleted(ILogger logger, int count, DateTimeOffset now);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting expired idempotency records failed ({Failure}: {Reason}); trying again next interval")]
    private static partial void LogFailed(ILogger logger, string failure, string reason);
}
