using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Xylo.Api.Chain;
using Xylo.Domain.Mints;
using Xylo.Projections.Mints;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// Receipts per block: every <c>Mints:PollIntervalMilliseconds</c> it asks the node for the latest block, and each
/// transaction of every broadcast mint (the inline <see cref="MintView"/> and <see cref="Mint"/> documents, so what the
/// log says, also after a restore) is looked at once per new block — all their receipts in one JSON-RPC batch — and
/// once when it is first sent. Only a mint whose state the block changed (<see cref="MintDecisions.NeedsTracking"/>:
/// newly mined, reorged, deep enough, or overdue) gets a <see cref="TrackMint"/> step; the others cost nothing until
/// the next block. Runs on the node that runs the projection daemon; the reconciler stays the safety net.
/// </summary>
public sealed class MintReceiptWatcher(
    IDocumentStore store,
    IServiceScopeFactory scopes,
    IProjectionCoordinator coordinator,
    ChainGateway chain,
    MintLooks looks,
    IOptions<MintPipelineOptions> options,
    TimeProvider clock,
    ILogger<MintReceiptWatcher> logger) : BackgroundService
{
    // The latest block's receipts, by transaction hash (null: not mined as of that block); cleared at each new head.
    private readonly Dictionary<string, MinedIn?> _seen = new(StringComparer.OrdinalIgnoreCase);
    private (long Number, string Hash) _head;
    private long? _safeBlock;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || !chain.IsConfigured) return;

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.PollIntervalMilliseconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var daemon = coordinator.DaemonForMainDatabase();
            if (!daemon.IsRunning && daemon.CurrentAgents().Count == 0) continue;

            try
            {
                await LookAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                logger.LogWarning(failure, "Looking for mined mint transactions failed; next look in {Milliseconds} ms", options.Value.PollIntervalMilliseconds);
            }
        }
    }

    public async Task LookAsync(CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var ids = await session.Query<MintView>().Where(m => m.Status == MintView.Broadcast).Select(m => m.Id).ToListAsync(cancellation);
        if (ids.Count == 0) return;

        var inFlight = (await session.LoadManyAsync<Mint>(cancellation, ids)).Where(m => m.Status == MintStatus.Broadcast).ToList();
        var head = await chain.LatestHeadAsync();
        if (head != _head)
        {
            (_head, _safeBlock) = (head, null);
            _seen.Clear();
        }

        var unseen = inFlight.SelectMany(m => m.TxHashes).Where(h => !_seen.ContainsKey(h)).ToList();
        if (unseen.Count > 0)
        {
            var mined = await chain.MinedAsync(unseen);
            foreach (var hash in unseen) _seen[hash] = mined.GetValueOrDefault(hash);
            logger.LogDebug("Block {Block}: {Looked} transactions of {InFlight} broadcast mints looked at, {Mined} mined", head.Number, unseen.Count, inFlight.Count, mined.Count);
        }

        var now = clock.GetUtcNow();
        var stuckAfter = TimeSpan.FromSeconds(options.Value.ReplaceAfterSeconds);
        var next = new List<Guid>();
        foreach (var mint in inFlight)
        {
            var seen = mint.TxHashes.Select(h => _seen.GetValueOrDefault(h)).FirstOrDefault(m => m is not null);
            var safeBlock = seen is null ? 0 : _safeBlock ??= await chain.SafeBlockAsync();
            if (MintDecisions.NeedsTracking(mint, seen, safeBlock, stuckAfter, now) && looks.TryQueue(mint.Id, now)) next.Add(mint.Id);
        }

        if (next.Count == 0) return;

        await using var scope = scopes.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        foreach (var id in next) await bus.PublishAsync(new TrackMint(id));
    }
}

/// <summary>
/// The <see cref="TrackMint"/> steps queued and not yet done, so a mint is never queued twice while its step waits in
/// a busy queue. An entry older than the stall window is taken for lost (a step retried for long, or dead-lettered).
/// </summary>
public sealed class MintLooks(IOptions<MintPipelineOptions> options)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> _queued = new();

    public bool TryQueue(Guid mintId, DateTimeOffset now)
    {
        if (_queued.TryGetValue(mintId, out var at) && now - at < TimeSpan.FromSeconds(options.Value.StalledAfterSeconds)) return false;
        _queued[mintId] = now;
        return true;
    }

    public void Done(Guid mintId) => _queued.TryRemove(mintId, out _);
}
