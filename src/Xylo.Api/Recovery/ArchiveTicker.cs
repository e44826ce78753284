namespace Xylo.Api.Recovery;

/// <summary>Closes segments on time a tick after they are due, and keeps the lag metric current.</summary>
public sealed class ArchiveTicker(ArchiveWriter writer, ILogger<ArchiveTicker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(writer.Options.Tick);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await writer.TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Archive tick failed in {ArchiveLocation}; the archive lag grows until this clears", writer.Store.Location);
            }
        }
    }
}
