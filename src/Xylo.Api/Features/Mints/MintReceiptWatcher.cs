using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Xylo.Api.Chain;
using Xylo.Domain.Mints;
using Xylo.Projections.Mints;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// Receipts per block: every <c>Mints:PollIntervalMilliseconds</c> it asks the node for the latest block, and at each new
/// one looks at the broadcast mints (the inline <see cref="MintView"/> and <see cref="Mint"/> documents, so what the log
/// says, also after a restore), at most <see cref="Page"/> of them per look (keyset pages by id, the next look goes on
/// where this one stopped). Receipts are asked for only where something can have changed: every transaction of a mint
/// not yet seen mined, all in one JSON-RPC batch; a mint seen mined costs one block hash per mined height (a block hash
/// commits to its transactions), and its receipts only if that block is gone. Only a mint whose state the block changed
/// (<see cref="MintDecisions.NeedsTracking"/>: newly mined, reorged, deep enough, or overdue) gets a
/// <see cref="TrackMint"/> step. Between blocks only mints that became broadcast lately are looked at (their transaction
/// may be in the head already), besides a page left over and, every <see cref="OverdueLook"/>, a whole look for
/// transactions overdue on a chain that stopped making blocks. Runs on the node that runs the projection daemon; the
/// reconciler stays the safety net.
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
    /// <summary>Broadcast mints read per look: a look never loads more documents than this, however many are in flight.</summary>
    public const int Page = 1000;

    /// <summary>How often the same head is looked at again, for transactions that became overdue without a new block.</summary>
    public static readonly TimeSpan OverdueLook = TimeSpan.FromSeconds(5);

    // As of the latest block, cleared at each new head: receipts by transaction hash (null: not mined), hashes of mined heights.
    private readonly Dictionary<string, MinedIn?> _seen = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, string?> _blockHashes = [];
    private (long Number, string Hash) _head;
    private long? _safeBlock;
    private Guid? _after;
    // When the last whole look (a page of all broadcast mints) began.
    private DateTimeOffset _lookedAt;

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

    /// <summary>
    /// One look. At a new head (or with a page left over, or every <see cref="OverdueLook"/>): the next page of broadcast
    /// mints. Otherwise only the mints that became broadcast lately, so a transaction is looked at once when it is sent
    /// (the block it went into may be the head already) and then not again until a block.
    /// </summary>
    /// <returns>The broadcast mints looked at.</returns>
    public async Task<IReadOnlyList<Guid>> LookAsync(CancellationToken cancellation, int page = Page)
    {
        var head = await chain.LatestHeadAsync();
        var now = clock.GetUtcNow();
        var whole = head != _head || _after is not null || now - _lookedAt >= OverdueLook;
        if (head != _head)
        {
            (_head, _safeBlock) = (head, null);
            _seen.Clear();
            _blockHashes.Clear();
        }

        await using var session = store.QuerySession();
        List<Guid> ids;
        if (whole)
        {
            _lookedAt = now;
            var after = _after ?? Guid.Empty;
            ids = [.. await session.Query<MintView>().Where(m => m.Status == MintView.Broadcast && m.Id.CompareTo(after) > 0)
                .OrderBy(m => m.Id).Select(m => m.Id).Take(page).ToListAsync(cancellation)];
            // A full page: the next look (at this head too) goes on after it; a short one: the next head starts again from the first.
            _after = ids.Count == page ? ids[^1] : null;
        }
        else
        {
            // Sent since the last looks (a commit may land a little after the time it records): their transactions are
            // new to this head; the others were looked at already (_seen), so they cost no receipts.
            var since = now - OverdueLook;
            ids = [.. await session.Query<MintView>().Where(m => m.Status == MintView.Broadcast && m.UpdatedAt >= since)
                .OrderBy(m => m.UpdatedAt).Select(m => m.Id).Take(page).ToListAsync(cancellation)];
        }

        if (ids.Count == 0) return [];

        var inFlight = (await session.LoadManyAsync<Mint>(cancellation, ids)).Where(m => m.Status == MintStatus.Broadcast).ToList();
        var heights = inFlight.Select(m => m.Mined?.BlockNumber).OfType<long>().Where(n => !_blockHashes.ContainsKey(n)).ToList();
        if (heights.Count > 0)
        {
            foreach (var (number, hash) in await chain.BlockHashesAsync(heights)) _blockHashes[number] = hash;
        }

        // Still in the block it was seen mined in: that block's hash is unchanged, so its receipt is too.
        bool StillMined(Mint m) => m.Mined is { } mined && string.Equals(_blockHashes.GetValueOrDefault(mined.BlockNumber), mined.BlockHash, StringComparison.OrdinalIgnoreCase);
        var unseen = inFlight.Where(m => !StillMined(m)).SelectMany(m => m.TxHashes).Where(h => !_seen.ContainsKey(h)).ToList();
        if (unseen.Count > 0)
        {
            var mined = await chain.MinedAsync(unseen);
            foreach (var hash in unseen) _seen[hash] = mined.GetValueOrDefault(hash);
            logger.LogDebug("Block {Block}: {Looked} transactions of {InFlight} broadcast mints looked at, {Mined} mined", head.Number, unseen.Count, inFlight.Count, mined.Count);
        }

        var stuckAfter = TimeSpan.FromSeconds(options.Value.ReplaceAfterSeconds);
        var next = new List<Guid>();
        foreach (var mint in inFlight)
        {
            var seen = StillMined(mint) ? mint.Mined : mint.TxHashes.Select(h => _seen.GetValueOrDefault(h)).FirstOrDefault(m => m is not null);
            var safeBlock = seen is null ? 0 : _safeBlock ??= await chain.SafeBlockAsync();
            if (MintDecisions.NeedsTracking(mint, seen, safeBlock, stuckAfter, now) && looks.TryQueue(mint.Id, now)) next.Add(mint.Id);
        }

        if (next.Count > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
            foreach (var id in next) await bus.PublishAsync(new TrackMint(id));
        }

        return [.. inFlight.Select(m => m.Id)];
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
