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
    /// One transaction: the mint is requested, its cost held and, for a limited supply, a unit claimed. Nothing is
    /// queued here: the chain work follows from the <see cref="MintRequested"/> event (<see cref="MintWorkSubscription"/>).
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

        // Before any lock, in one round trip: the user, and the reward, whose supply decides whether it is locked at all.
        var reads = session.CreateBatchQuery();
        var userRead = reads.Load<User>(userId);
        var catalogRead = reads.Load<Reward>(rewardId);
        await reads.Execute(cancellation);
        if (await catalogRead is not { } catalog) return Problems.NotFound($"no reward {rewardId}");

        // Concurrent buyers of a limited reward queue on it from here to the commit; everyone else only on their own account.
        var (reward, account) = await MintStreams.OpenLockedAsync(session, catalog.Supply is null ? null : rewardId, userId, cancellation);
        var (accepted, rejection) = MintDecisions.Request(new RequestMint(mintId, userId, rewardId), await userRead, reward?.Aggregate ?? catalog, account.State, now);
        if (rejection is not null) return rejection.ToProblem();

        session.Events.StartStream<Mint>(mintId, accepted!.Requested);
        account.Append(Decision.Accept(accepted.Hold));
        if (accepted.Claim is { } claim) reward!.AppendOne(claim);
        return Results.Accepted($"/mints/{mintId}", new MintAccepted(mintId, "queued", accepted.Requested.RequestId));
    }
}
