using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Xylo.Api.Chain;
using Xylo.Projections.Mints;

namespace Xylo.Api.Features.Mints;

/// <summary>
/// The pipeline's safety net, at start and then periodically: the signer's nonce is squared with the chain
/// (ahead → taken up; behind → the recorded transactions the node lacks are rebroadcast in nonce order, so
/// no gap is left), and every mint that stopped moving gets its next step queued again. Every step is
/// idempotent, so a duplicate from here or from another node changes nothing.
/// </summary>
public sealed class MintReconciler(
    IDocumentStore store,
    IServiceScopeFactory scopes,
    ChainGateway chain,
    IOptions<MintPipelineOptions> options,
    TimeProvider clock,
    ILogger<MintReconciler> logger) : BackgroundService
{
    // When each mint was last requeued: a mint still waiting behind a long queue is requeued once per
    // stall window, not on every tick, so the reconciler never floods the sequential signer queue.
    private readonly Dictionary<Guid, DateTimeOffset> _requeuedAt = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || !chain.IsConfigured)
        {
            logger.LogWarning("Mint pipeline reconciler off: {Reason}", options.Value.Enabled ? "no Chain:RewardsContract configured" : "Mints:Enabled is false");
            return;
        }

        // Off the host's start: the warm-up's first part (key derivation, a signature) is CPU work before any await.
        await Task.Yield();
        try
        {
            await chain.WarmUpAsync(SignMintHandler.PreflightParallelism);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            logger.LogWarning(failure, "Signer warm-up failed; the first signing batch will pay for it");
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReconcileIntervalSeconds), clock);
        do
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                logger.LogWarning(failure, "Mint reconciliation failed; next attempt in {Seconds} s", options.Value.ReconcileIntervalSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task ReconcileAsync(CancellationToken cancellation)
    {
        await ReconcileNonceAsync(cancellation);
        await RequeueStalledAsync(cancellation);
        MintMetrics.SignerBalance.Set((double)await chain.SignerBalanceAsync());
    }

    private async Task ReconcileNonceAsync(CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        var local = await session.LoadAsync<SignerNonce>(chain.Signer, cancellation);
        if (local is null) return;

        var pending = await chain.TransactionCountAsync(pending: true);
        if (pending > local.Next)
        {
            logger.LogWarning("Signer {Signer}: the chain has used nonces up to {ChainNext}, ahead of ours ({LocalNext}); taking them up",
                chain.Signer, pending, local.Next);
            session.Store(local with { Next = pending });
            await session.SaveChangesAsync(cancellation);
            return;
        }

        if (pending == local.Next) return;

        var missing = await session.Query<SignedTransaction>()
            .Where(t => t.Signer == chain.Signer && t.Nonce >= pending && t.Nonce < local.Next)
            .OrderBy(t => t.Nonce)
            .ToListAsync(cancellation);
        logger.LogWarning("Signer {Signer}: the node knows nonces below {ChainNext}, we signed up to {LocalNext}; rebroadcasting {Count} recorded transactions",
            chain.Signer, pending, local.Next - 1, missing.Count);
        foreach (var tx in missing)
        {
            var result = await chain.BroadcastAsync(tx.RawTransaction);
            logger.LogInformation("Rebroadcast nonce {Nonce} ({Purpose}, tx {TxHash}): {Result}", tx.Nonce, tx.Purpose, tx.TxHash, result);
        }

        if (missing.Count < local.Next - pending)
        {
            logger.LogError("Signer {Signer}: {Count} nonces between {From} and {To} have no recorded transaction; the chain will not mine past them",
                chain.Signer, local.Next - pending - missing.Count, pending, local.Next - 1);
        }
    }

    private async Task RequeueStalledAsync(CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        await using var scope = scopes.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        var now = clock.GetUtcNow();
        var unfinished = await session.Query<MintView>()
            .Where(m => m.Status.IsOneOf(MintView.Unfinished))
            .OrderBy(m => m.UpdatedAt)
            .Take(1000)
            .ToListAsync(cancellation);

        MintMetrics.PendingTransactions.Set(unfinished.Count(m => m.Status is MintView.Signed or MintView.Broadcast));
        MintMetrics.OldestPendingSeconds.Set(unfinished.Count == 0 ? 0 : Math.Max(0, (now - unfinished.Min(m => m.RequestedAt)).TotalSeconds));

        var stalledBefore = now.AddSeconds(-options.Value.StalledAfterSeconds);
        var open = unfinished.Select(m => m.Id).ToHashSet();
        foreach (var gone in _requeuedAt.Keys.Where(id => !open.Contains(id)).ToList()) _requeuedAt.Remove(gone);
        var stalled = unfinished
            .Where(m => m.UpdatedAt < stalledBefore && (!_requeuedAt.TryGetValue(m.Id, out var last) || last < stalledBefore))
            .ToList();
        var unsigned = stalled.Where(m => m.Status == MintView.Queued).ToList();
        foreach (var batch in unsigned.Chunk(MintWorkSubscription.SignBatch))
        {
            foreach (var mint in batch) _requeuedAt[mint.Id] = now;
            logger.LogWarning("{Count} mints queued for signing since {UpdatedAt:O} or earlier; queueing them for the signer again", batch.Length, batch.Max(m => m.UpdatedAt));
            await bus.PublishAsync(new SignMints([.. batch.Select(m => m.Id)]));
        }

        // A broadcast mint is looked at by MintReceiptWatcher at every block; one quiet for a whole stall window (waiting
        // long for finality, or the watcher's node gone) gets one look from here per window.
        foreach (var mint in stalled)
        {
            object? next = mint.Status switch
            {
                MintView.Signed => new BroadcastMint(mint.Id),
                MintView.Broadcast => new TrackMint(mint.Id),
                _ => null,
            };
            if (next is null) continue;

            _requeuedAt[mint.Id] = now;
            logger.LogWarning("Mint {MintId} has been {Status} since {UpdatedAt:O}; queueing {Step} again", mint.Id, mint.Status, mint.UpdatedAt, next.GetType().Name);
            await bus.PublishAsync(next);
        }

        if (stalled.FirstOrDefault(m => m.Status == MintView.Deferred) is { } deferred)
        {
            _requeuedAt[deferred.Id] = now;
            await bus.PublishAsync(new ResumeDeferredMints());
        }
    }
}
