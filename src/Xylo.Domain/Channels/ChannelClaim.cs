using System.Collections.Immutable;
using JasperFx.Core;

namespace Xylo.Domain.Channels;

public sealed record ChannelClaimStarted(Guid ClaimId, string ChannelId, Guid UserId, string Code, DateTimeOffset StartedAt);

public sealed record ChannelVerified(Guid ClaimId, string ChannelId, Guid UserId, string Title, long Subscribers, DateTimeOffset VerifiedAt);

public sealed record ChannelVerificationFailed(Guid ClaimId, string ChannelId, Guid UserId, string Reason, DateTimeOffset FailedAt);

/// <summary>
/// One stream per YouTube channel (keyed by <see cref="IdFor"/>): every user's pending code and the
/// one user who verified it, so two verifications of one channel collide on the same stream.
/// </summary>
public sealed record ChannelClaim(Guid Id, string ChannelId, Guid? VerifiedBy, ImmutableDictionary<Guid, string> PendingCodes)
{
    public static Guid IdFor(string channelId) => StableId.For("youtube-channel", channelId);

    /// <summary>The one place an event moves a channel claim on.</summary>
    [JasperFxIgnore]
    public static ChannelClaim Evolve(ChannelClaim? state, object @event) => (state, @event) switch
    {
        (null, ChannelClaimStarted e) => Create(e),
        (null, _) => throw new InvalidOperationException($"a channel claim stream cannot start with {@event.GetType().Name}"),
        (_, ChannelClaimStarted e) => state.Apply(e),
        (_, ChannelVerified e) => state.Apply(e),
        (_, ChannelVerificationFailed e) => state.Apply(e),
        _ => throw new InvalidOperationException($"{@event.GetType().Name} cannot be applied to channel claim {state.Id}"),
    };

    public static ChannelClaim Create(ChannelClaimStarted e) =>
        new(e.ClaimId, e.ChannelId, null, ImmutableDictionary<Guid, string>.Empty.Add(e.UserId, e.Code));

    public ChannelClaim Apply(ChannelClaimStarted e) => this with { PendingCodes = PendingCodes.SetItem(e.UserId, e.Code) };

    public ChannelClaim Apply(ChannelVerified e) => this with { VerifiedBy = e.UserId, PendingCodes = PendingCodes.Remove(e.UserId) };

    public ChannelClaim Apply(ChannelVerificationFailed e) => this;
}
