using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Points;
using Xylo.Api.Features.Rewards;
using Xylo.Api.Operations.Errors;
using Xylo.Api.Operations.Idempotency;
using Xylo.Domain;
using Xylo.Domain.Mints;
using Xylo.Domain.Rewards;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Mints;

public sealed record RequestMintRequest(Guid? RewardId);

public sealed record MintAccepted(Guid MintId, string Status, string RequestId);

public static class RequestMintEndpoint
{
    /// <summary>
    /// One transaction: the mint is requested, its cost held and a unit of supply claimed, and the signing
    /// step is queued through the outbox, so it is queued exactly when the request is committed.
    /// </summary>
    [WolverinePost("/me/mints"), Authorize, Idempotent]
    public static async Task<IResult> Post(RequestMintRequest request, ClaimsPrincipal principal, HttpContext http, IDocumentSession session,
        IMessageBus bus, TimeProvider clock, CancellationToken cancellation)
    {
        if (request.RewardId is not { } rewardId) return Problems.Invalid("rewardId", "is required");

        var userId = principal.Id();
        // With a key, the mint id comes from it: a run after a lease takeover starts the same stream and collides (409), never a second mint.
        var mintId = IdempotentRequest.Of(http) is { } idempotent ? StableId.For("mint", idempotent.RecordId) : Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        if (await session.LoadAsync<Reward>(rewardId, cancellation) is null) return Problems.NotFound($"no reward {rewardId}");

        // Concurrent buyers of one reward queue here until this transaction ends.
        var (reward, account) = await MintStreams.OpenLockedAsync(session, rewardId, userId, cancellation);
        var user = await session.LoadAsync<User>(userId, cancellation);
        var (accepted, rejection) = MintDecisions.Request(new RequestMint(mintId, userId, rewardId), user, reward!.Aggregate, account.State, now);
        if (rejection is not null) return rejection.ToProblem();

        session.Events.StartStream<Mint>(mintId, accepted!.Requested);
        account.Append(Decision.Accept(accepted.Hold));
        reward.AppendOne(accepted.Claim);
        await bus.PublishAsync(new SignMint(mintId));
        return Results.Accepted($"/mints/{mintId}", new MintAccepted(mintId, "queued", accepted.Requested.RequestId));
    }
}
