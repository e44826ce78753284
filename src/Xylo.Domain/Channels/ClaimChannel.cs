using System.Text.RegularExpressions;
using Xylo.Domain.Users;

namespace Xylo.Domain.Channels;

/// <param name="Code">Generated at the edge; used only when the user has no pending code for the channel.</param>
public sealed record ClaimChannel(Guid UserId, string ChannelId, string Code);

public static partial class ClaimChannelDecision
{
    /// <summary>YouTube channel ids: "UC" followed by 22 URL-safe base64 characters.</summary>
    public static bool IsChannelId(string? value) => value is not null && ChannelIdPattern().IsMatch(value);

    public static Decision Decide(User user, ChannelClaim? claim, ClaimChannel command, DateTimeOffset now)
    {
        if (user.Suspended) return Decision.Reject(RejectionKind.Forbidden, "a suspended user cannot claim a channel");
        if (!IsChannelId(command.ChannelId)) return Decision.Reject(RejectionKind.Invalid, "channelId is not a YouTube channel id (UC + 22 characters)");
        if (claim?.VerifiedBy is { } owner)
        {
            return owner == user.Id
                ? Decision.Reject(RejectionKind.Conflict, "you have already verified this channel")
                : Decision.Reject(RejectionKind.Conflict, "this channel is verified by another user");
        }

        // Asking again returns the code already issued: the user may have pasted it already.
        if (claim is not null && claim.PendingCodes.ContainsKey(user.Id)) return Decision.Accept();

        return Decision.Accept(new ChannelClaimStarted(ChannelClaim.IdFor(command.ChannelId), command.ChannelId, user.Id, command.Code, now));
    }

    [GeneratedRegex("^UC[A-Za-z0-9_-]{22}$")]
    private static partial Regex ChannelIdPattern();
}
