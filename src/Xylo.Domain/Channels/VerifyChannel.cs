using Xylo.Domain.Users;

namespace Xylo.Domain.Channels;

/// <summary>What YouTube said about the channel (the edge turns "unreachable" into a 503 before deciding).</summary>
public abstract record ChannelEvidence
{
    public sealed record Found(string Title, string Description, long Subscribers) : ChannelEvidence;

    public sealed record NotFound : ChannelEvidence;
}

public static class VerifyChannelDecision
{
    public const string ChannelNotFound = "channel not found";
    public const string CodeNotFound = "code not found in the channel description";

    public static Decision Decide(User user, ChannelClaim claim, ChannelEvidence evidence, DateTimeOffset now)
    {
        if (user.Suspended) return Decision.Reject(RejectionKind.Forbidden, "a suspended user cannot verify a channel");
        if (claim.VerifiedBy is { } owner && owner != user.Id) return Decision.Reject(RejectionKind.Conflict, "this channel is verified by another user");
        if (claim.VerifiedBy == user.Id) return Decision.Accept();
        if (!claim.PendingCodes.TryGetValue(user.Id, out var code)) return Decision.Reject(RejectionKind.NotFound, "no claim of yours on this channel");

        return evidence switch
        {
            ChannelEvidence.Found found when found.Description.Contains(code, StringComparison.Ordinal) =>
                Decision.Accept(new ChannelVerified(claim.Id, claim.ChannelId, user.Id, found.Title, found.Subscribers, now)),
            ChannelEvidence.Found => Decision.Accept(new ChannelVerificationFailed(claim.Id, claim.ChannelId, user.Id, CodeNotFound, now)),
            _ => Decision.Accept(new ChannelVerificationFailed(claim.Id, claim.ChannelId, user.Id, ChannelNotFound, now)),
        };
    }
}
