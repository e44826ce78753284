using System.Diagnostics;
using JasperFx.Events;
using Marten;
using Xylo.Api.Chain;
using Xylo.Api.External.Slack;
using Xylo.Domain.Mints;

namespace Xylo.Api.Features.Mints;

public static class SignMintHandler
{
    /// <summary>Dry runs of one batch in flight at once against the node.</summary>
    public const int PreflightParallelism = 16;

    /// <summary>
    /// A batch of mints, signed in one transaction: the queued ones are read in one round trip and dry-run in parallel, one
    /// call each and one gas estimate per reward URI (paused → deferred, a revert → failed, already minted → settled from the chain); the ready ones take one range
    /// of nonces and one fee quote, and their signed bytes are committed with the range before any broadcast is sent
    /// (one BroadcastMints for the batch is queued with them). A crash before the commit leaves no nonce taken; after it, every
    /// signed transaction is on record and is sent, so no gap is left either way.
    /// </summary>
    public static async Task<object[]> Handle(SignMints message, IDocumentSession session, IDocumentStore store, ChainGateway chain,
        TimeProvider clock, ILogger<SignMints> logger, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        // A limited reward's units first, in the message's (the log's) order, committed on their own: a mint is signed only with its unit.
        var soldOut = await MintSupply.AllotAsync(store, message.MintIds, clock.GetUtcNow(), cancellation);
        var allotted = Stopwatch.GetElapsedTime(started);
        if (soldOut.Count > 0) logger.LogInformation("{Count} mints failed: their reward was sold out when their turn came ({MintIds})", soldOut.Count, string.Join(", ", soldOut));

        var reads = session.CreateBatchQuery();
        var fetches = message.MintIds.Distinct().Select(id => reads.Events.FetchForWriting<Mint>(id)).ToList();
        await reads.Execute(cancellation);
        var queued = new List<IEventStream<Mint>>();
        foreach (var fetch in fetches)
        {
            if (await fetch is { Aggregate: { Status: MintStatus.Queued, AwaitsSupply: false } } stream) queued.Add(stream);
        }

        if (queued.Count == 0) return [];

        var read = Stopwatch.GetElapsedTime(started) - allotted;
        var preflights = await chain.PreflightMintsAsync(queued.Select(q => q.Aggregate!).ToList(), PreflightParallelism, cancellation);

        var dryRuns = Stopwatch.GetElapsedTime(started) - allotted - read;
        var now = clock.GetUtcNow();
        var next = new List<object?>();
        var ready = new List<(IEventStream<Mint> Stream, long GasEstimate)>();
        for (var i = 0; i < queued.Count; i++)
        {
            var (stream, mint) = (queued[i], queued[i].Aggregate!);
            switch (preflights[i])
            {
                case MintPreflight.Ready r:
                    ready.Add((stream, r.GasEstimate));
                    break;

                case MintPreflight.Paused:
                    stream.AppendMany(MintDecisions.Defer(mint, "the rewards contract is paused", now).Events);
                    logger.LogWarning("Mint {MintId} deferred: the rewards contract {Contract} is paused", mint.Id, chain.RewardsContract);
                    break;

                case MintPreflight.Reverts reverts:
                    // Settlement locks the mint's reward and account: on a session of its own, so this batch never holds
                    // several accounts' locks at once.
                    next.Add(await SettleAloneAsync(store, mint.Id, cancellation, async (alone, own) =>
                    {
                        var failed = MintDecisions.Fail(own.Aggregate!, $"the mint would revert: {reverts.Reason}", now).Events;
                        own.AppendMany(failed);
                        await MintSettlement.ApplyAsync(alone, own.Aggregate!, failed, now, cancellation);
                        logger.LogError("Mint {MintId} failed before signing: {Reason}", mint.Id, reverts.Reason);
                        return SlackNotice.Alert($"Mint {mint.Id} failed: {reverts.Reason}");
                    }));
                    break;

                case MintPreflight.AlreadyMinted minted:
                    next.Add(await SettleAloneAsync(store, mint.Id, cancellation,
                        (alone, own) => MintSettlement.SettleFromChainAsync(alone, own, minted.TokenId, chain, logger, now, cancellation)));
                    break;

                default:
                    throw new InvalidOperationException($"mint {mint.Id}: unexpected preflight result");
            }
        }

        if (ready.Count == 0) return [.. next.OfType<object>()];

        var fees = await chain.QuoteFeesAsync();
        var first = await SignerNonces.TakeAsync(session, chain, ready.Count, cancellation);
        var signed = new SignedMintTransaction[ready.Count];
        var signing = Stopwatch.GetTimestamp();
        Parallel.For(0, ready.Count, new ParallelOptions { CancellationToken = cancellation }, k => signed[k] = chain.SignMint(ready[k].Stream.Aggregate!, first + k, chain.GasLimitFor(ready[k].GasEstimate), fees));
        var signatures = Stopwatch.GetElapsedTime(signing);
        for (var k = 0; k < ready.Count; k++)
        {
            var (stream, tx) = (ready[k].Stream, signed[k]);
            var mint = stream.Aggregate!;
            stream.AppendMany(MintDecisions.Sign(mint, tx, now).Events);
            SignerNonces.Record(session, tx, $"mint:{mint.Id}", now);
        }

        next.Add(new BroadcastMints([.. ready.Select(r => r.Stream.Id)]));

        logger.LogInformation("Signed {Count} mints with nonces {First}..{Last} (max fee {MaxFee} wei): supply {AllotMs:F0} ms, read {ReadMs:F0} ms, dry runs {DryRunMs:F0} ms, signatures {SignMs:F0} ms, all {TotalMs:F0} ms before the commit",
            ready.Count, first, first + ready.Count - 1, fees.MaxFeePerGas, allotted.TotalMilliseconds, read.TotalMilliseconds, dryRuns.TotalMilliseconds, signatures.TotalMilliseconds,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return [.. next.OfType<object>()];
    }

    /// <summary>One mint's end decided and committed on a session of its own; null when it had moved on meanwhile.</summary>
    private static async Task<SlackNotice?> SettleAloneAsync(IDocumentStore store, Guid mintId, CancellationToken cancellation,
        Func<IDocumentSession, IEventStream<Mint>, Task<SlackNotice>> settle)
    {
        await using var alone = store.LightweightSession();
        var own = await alone.Events.FetchForWriting<Mint>(mintId, cancellation);
        if (own.Aggregate is not { Status: MintStatus.Queued }) return null;

        var notice = await settle(alone, own);
        await alone.SaveChangesAsync(cancellation);
        return notice;
    }
}
