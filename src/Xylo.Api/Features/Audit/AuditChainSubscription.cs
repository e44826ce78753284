using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Marten.Subscriptions;
using Xylo.Api.EventLog;

namespace Xylo.Api.Features.Audit;

/// <summary>
/// Chains every event, in sequence order, after it is committed (the daemon only hands out ranges below
/// the high-water mark; a commit that arrives after the daemon skipped its sequence gap as stale stays
/// unhashed and is reported by the integrity check). Each range is re-read as
/// stored, including archived events, and its hashes are written in the transaction that records the
/// subscription's progress: the chain and its position cannot disagree.
/// </summary>
public sealed class AuditChainSubscription : SubscriptionBase
{
    public const string SubscriptionName = "AuditChain";

    private readonly EventLogDatabase _log;
    private readonly AuditChainTable _chain;
    private Tail? _tail;

    public AuditChainSubscription(EventLogDatabase log, AuditChainTable chain)
    {
        _log = log;
        _chain = chain;
        Name = SubscriptionName;
        IncludeArchivedEvents = true;
        Options.BatchSize = 1000;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        // The previous range's last hash, unless this range does not follow it (a restart, a rewind, a retry).
        var previous = _tail is { } tail && tail.Ceiling == page.SequenceFloor
            ? tail.Hash
            : await _chain.HashBeforeAsync(page.SequenceFloor + 1, cancellationToken) ?? AuditChainHash.Genesis.ToArray();

        var sequences = new List<long>();
        var hashes = new List<byte[]>();
        foreach (var e in await _log.ReadAsync(page.SequenceFloor, page.SequenceCeiling, int.MaxValue, cancellationToken))
        {
            previous = AuditChainHash.Compute(previous, e);
            sequences.Add(e.Seq);
            hashes.Add(previous);
        }

        if (sequences.Count > 0) _chain.QueueHashes(operations, sequences.ToArray(), hashes.ToArray());

        return new AdvanceTail(this, new Tail(page.SequenceCeiling, previous));
    }

    private sealed record Tail(long Ceiling, byte[] Hash);

    /// <summary>Remembers the range's last hash only once it is committed.</summary>
    private sealed class AdvanceTail(AuditChainSubscription subscription, Tail tail) : IChangeListener
    {
        public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            subscription._tail = tail;
            return Task.CompletedTask;
        }

        public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
    }
}
