using Xylo.Api.EventLog;

namespace Xylo.Api.Features.Audit;

public sealed record ChainHead(long Sequence, string Hash);

public sealed record IntegrityReport(long From, long To, long Verified, long? FirstBrokenSequence, string? Reason, ChainHead? Head, long Unhashed);

/// <summary>
/// Recomputes the chain over a range from the current event rows, starting from the stored hash just
/// before the range, and compares every link with the stored one. Events past the chain head are not
/// yet hashed, not broken.
/// </summary>
public sealed class AuditChainVerifier(AuditChainTable chain)
{
    public async Task<IntegrityReport> VerifyAsync(long? from, long? to, CancellationToken cancellation)
    {
        var head = await chain.HeadAsync(cancellation) is { } stored ? new ChainHead(stored.Sequence, Convert.ToHexStringLower(stored.Hash)) : null;
        var unhashed = await chain.UnhashedAfterAsync(head?.Sequence ?? 0, cancellation);
        var first = Math.Max(from ?? 1, 1);
        var last = Math.Min(to ?? long.MaxValue, head?.Sequence ?? 0);
        if (last < first) return new IntegrityReport(first, last, 0, null, null, head, unhashed);

        var previous = await chain.HashBeforeAsync(first, cancellation) ?? AuditChainHash.Genesis.ToArray();
        long verified = 0;
        await foreach (var link in chain.LinksAsync(first, last, cancellation))
        {
            if (link.Event is null) return Broken(link.Sequence, "the event is missing from the log (deleted after it was hashed)");
            if (link.Hash is null) return Broken(link.Sequence, "the event has no hash (inserted behind the chain head, or its hash was deleted)");
            var computed = AuditChainHash.Compute(previous, link.Event);
            if (!computed.AsSpan().SequenceEqual(link.Hash))
                return Broken(link.Sequence, "the hash does not match: this event's sequence, stream, version, type, data, timestamp or metadata (id, correlation, causation, user, headers) changed, or the stored hash did");
            previous = computed;
            verified++;
        }

        return new IntegrityReport(first, last, verified, null, null, head, unhashed);

        IntegrityReport Broken(long sequence, string reason) => new(first, last, verified, sequence, reason, head, unhashed);
    }
}
