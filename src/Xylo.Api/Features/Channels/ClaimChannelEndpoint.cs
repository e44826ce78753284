using System.Security.Claims;
using System.Security.Cryptography;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Channels;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Channels;

public sealed record ClaimChannelRequest(string? ChannelId);

public sealed record ChannelClaimIssued(Guid ClaimId, string ChannelId, string Code, string Instructions);

public static class ClaimChannelEndpoint
{
    /// <summary>Starts proving ownership of a YouTube channel: the returned code goes into the channel description.</summary>
    [WolverinePost("/me/youtube/claims"), Authorize]
    public static async Task<IResult> Post(ClaimChannelRequest request, ClaimsPrincipal principal, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        if (!ClaimChannelDecision.IsChannelId(request.ChannelId)) return Problems.Invalid("channelId", "must be a YouTube channel id (UC + 22 characters)");

        var userId = principal.Id();
        var channelId = request.ChannelId!;
        var user = await session.Events.FetchForWriting<User>(userId, cancellation);
        var claim = await session.Events.FetchForWriting<ChannelClaim>(ChannelClaim.IdFor(channelId), cancellation);
        var code = "xylo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var decision = ClaimChannelDecision.Decide(user.Aggregate!, claim.Aggregate, new ClaimChannel(userId, channelId, code), clock.GetUtcNow());
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        claim.AppendMany(decision.Events);
        var issued = decision.Events.OfType<ChannelClaimStarted>().SingleOrDefault()?.Code ?? claim.Aggregate!.PendingCodes[userId];
        var response = new ChannelClaimIssued(ChannelClaim.IdFor(channelId), channelId, issued,
            $"Add {issued} to the description of channel {channelId}, then POST /me/youtube/claims/{ChannelClaim.IdFor(channelId)}/verify");
        return decision.Events.Count > 0
            ? Results.Created($"/me/youtube/claims/{response.ClaimId}", response)
            : Results.Ok(response);
    }
}
