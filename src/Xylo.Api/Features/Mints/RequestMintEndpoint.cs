using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
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
    /// One transaction: the mint is requested and its cost held, under the fan's account lock only. The reward is read,
    /// never written or locked: a limited supply is allotted in log order by the signer (<see cref="MintSupply"/>), so a
    /// request past the last unit is answered 409 once the catalog shows the reward sold out, and otherwise accepted and
    /// failed as sold out (its hold voided) when its turn comes. Nothing is queued here: the chain work follows from the
    /// <see cref="MintRequested"/> event (<see cref="MintWorkSubscription"/>).
    /// </summary>
    [WolverinePost("/me/mints"), Authorize, Idempotent]
    public static async Task<IResult> Post(RequestMintRequest request, ClaimsPrincipal principal, HttpContext http, IDocumentSession session,
        TimeProvider clock, CancellationToken cancellation)
    {
        if (request.RewardId is not { } rewardId) return Problems.Invalid("rewardId", "is required");

        var userId = principal.Id();
        // With a key, the mint id comes from it: a run after a lease takeover starts the same stream and collides (409), never a second mint.
        var mintId = IdempotentRequest.Of(http) is { } idempotent ? StableId.For("mint", idempotent.RecordId) : Guid.CreateVersion7();
        var now = clock.GetUtcNow();

        // Before the lock, in one round trip: the user and the reward (its inline snapshot counts the units allotted so far).
        var reads = session.CreateBatchQuery();
        var userRead = reads.Load<User>(userId);
        var rewardRead = reads.Load<Reward>(rewardId);
        await reads.Execute(cancellation);
        if (await rewardRead is not { } reward) return Problems.NotFound($"no reward {rewardId}");

        // One fan's concurrent requests (and the settlement of the fan's earlier mint) queue on the fan's account.
        var (_, account) = await MintStreams.OpenLockedAsync(session, null, userId, cancellation);
        var (accepted, rejection) = MintDecisions.Request(new RequestMint(mintId, userId, rewardId), await userRead, reward, account.State, now);
        if (rejection is not null) return rejection.ToProblem();

        session.Events.StartStream<Mint>(mintId, accepted!.Requested);
        account.Append(Decision.Accept(accepted.Hold));
        return Results.Accepted($"/mints/{mintId}", new MintAccepted(mintId, "queued", accepted.Requested.RequestId));
    }
}
