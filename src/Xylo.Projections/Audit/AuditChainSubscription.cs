using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Marten.Subscriptions;

namespace Xylo.Projections.Audit;

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
    private Tail? _tail;

    public AuditChainSubscription(EventLogDatabase log)
    {
        _log = log;
        Name = SubscriptionName;
        IncludeArchivedEvents = true;
        Options.BatchSize = 1000;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        await using var connection = await _log.OpenAsync(cancellationToken);
        // The previous range's last hash, unless this range does not follow it (a restart, a rewind, a retry).
        var previous = _tail is { } tail && tail.Ceiling == page.SequenceFloor
            ? tail.Hash
            : await _log.HashBeforeAsync(connection, page.SequenceFloor + 1, cancellationToken);

        var sequences = new List<long>();
        var hashes = new List<byte[]>();
        await foreach (var e in _log.ReadAsync(connection, page.SequenceFloor, page.SequenceCeiling, cancellationToken))
        {
            previous = AuditChainHash.Compute(previous, e);
            sequences.Add(e.Sequence);
            hashes.Add(previous);
        }

        if (sequences.Count > 0)
        {
            operations.QueueSqlCommand(
                $"insert into {_log.Chain} (seq_id, hash) select * from unnest(?::bigint[], ?::bytea[]) " +
                "on conflict (seq_id) do update set hash = excluded.hash",
                sequences.ToArray(), hashes.ToArray());
        }

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
