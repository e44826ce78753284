using System.Globalization;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Xylo.Api.External.YouTube;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Channels;
using Xylo.Domain.Users;
using Xylo.Projections.Users;

namespace Xylo.Api.Features.Channels;

public sealed record ChannelVerification(Guid ClaimId, string ChannelId, string Title, long Subscribers);

public static class VerifyChannelEndpoint
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Asks YouTube for the channel's description. Verified when it holds the caller's code; otherwise the
    /// failure is recorded with its reason (422). If YouTube cannot be asked, 503 and nothing is recorded.
    /// </summary>
    [WolverinePost("/me/youtube/claims/{claimId}/verify"), Authorize]
    public static async Task<IResult> Post(Guid claimId, ClaimsPrincipal principal, HttpContext http, IDocumentSession session,
        IMessageBus bus, YouTubeClient youTube, TimeProvider clock, CancellationToken cancellation)
    {
        var userId = principal.Id();
        var claim = await session.Events.FetchForWriting<ChannelClaim>(claimId, cancellation);
        if (claim.Aggregate is not { } state || (!state.PendingCodes.ContainsKey(userId) && state.VerifiedBy != userId))
        {
            return Problems.NotFound("no claim of yours with this id; start one with POST /me/youtube/claims");
        }

        if (state.VerifiedBy == userId && await session.LoadAsync<UserProfile>(userId, cancellation) is { Channel: { } channel }
            && channel.ChannelId == state.ChannelId)
        {
            return Results.Ok(new ChannelVerification(claimId, channel.ChannelId, channel.Title, channel.Subscribers));
        }

        var user = await session.Events.FetchForWriting<User>(userId, cancellation);
        ChannelEvidence evidence;
        switch (await youTube.GetChannelAsync(state.ChannelId, cancellation))
        {
            case YouTubeChannelLookup.Found found:
                evidence = new ChannelEvidence.Found(found.Title, found.Description, found.SubscriberCount);
                break;
            case YouTubeChannelLookup.NotFound:
                evidence = new ChannelEvidence.NotFound();
                break;
            case YouTubeChannelLookup.Unavailable unavailable:
                http.Response.Headers.RetryAfter = Math.Ceiling((unavailable.RetryAfter ?? DefaultRetryAfter).TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "YouTube is unavailable",
                    detail: "the channel could not be checked now; nothing was recorded, try again later");
            default:
                throw new InvalidOperationException("unknown YouTube lookup result");
        }

        var decision = VerifyChannelDecision.Decide(user.Aggregate!, state, evidence, clock.GetUtcNow());
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        claim.AppendMany(decision.Events);
        foreach (var verified in decision.Events.OfType<ChannelVerified>()) await bus.PublishAsync(verified);
        return decision.Events.SingleOrDefault() switch
        {
            ChannelVerificationFailed failed => Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Channel not verified", detail: failed.Reason, extensions: new Dictionary<string, object?> { ["reason"] = failed.Reason }),
            ChannelVerified verified => Results.Ok(new ChannelVerification(claimId, verified.ChannelId, verified.Title, verified.Subscribers)),
            _ => Results.Ok(new ChannelVerification(claimId, state.ChannelId,
                (evidence as ChannelEvidence.Found)?.Title ?? "", (evidence as ChannelEvidence.Found)?.Subscribers ?? 0)),
        };
    }
}
