using Marten;
using Marten.Events;
using Xylo.Domain.Channels;
using Xylo.Domain.Mints;
using Xylo.Domain.Points;
using Xylo.Domain.Rewards;
using Xylo.Domain.Users;
using Xylo.Domain.Wallets;

namespace Xylo.Api.Features.Audit;

/// <summary>
/// The aggregate type behind each stream type name Marten records for a stream, so an auditor
/// can replay a stream into the state it had at a version or a moment. One line per aggregate.
/// </summary>
public sealed class AuditedAggregates
{
    private delegate Task<object?> Replay(IQuerySession session, Guid streamId, long? version, DateTimeOffset? at, CancellationToken cancellation);

    private readonly Dictionary<string, Replay> _byStreamType = new(StringComparer.Ordinal);
    private readonly EventGraph _events;

    public AuditedAggregates(IDocumentStore store)
    {
        _events = (EventGraph)store.Options.Events;
        Add<User>();
        Add<ExternalLogin>();
        Add<WalletOwnership>();
        Add<ChannelClaim>();
        Add<PointsAccount>();
        Add<Reward>();
        Add<Mint>();
    }

    public IReadOnlyCollection<string> StreamTypes => _byStreamType.Keys;

    public bool Knows(string streamType) => _byStreamType.ContainsKey(streamType);

    /// <summary>The stream type name Marten records for an aggregate type (what Marten reports for a stream).</summary>
    public string StreamTypeOf(Type? aggregateType) => aggregateType is null ? "" : _events.AggregateAliasFor(aggregateType);

    /// <summary>The stream replayed up to a version or a timestamp (inclusive); null when nothing was there yet.</summary>
    public Task<object?> StateAsync(IQuerySession session, string streamType, Guid streamId, long? version, DateTimeOffset? at,
        CancellationToken cancellation) =>
        _byStreamType[streamType](session, streamId, version, at, cancellation);

    private void Add<T>() where T : class =>
        _byStreamType[_events.AggregateAliasFor(typeof(T))] = async (session, id, version, at, cancellation) =>
            await session.Events.AggregateStreamAsync<T>(id, version ?? 0, at, token: cancellation);
}
