using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Users;
using Xylo.Domain.Wallets;

namespace Xylo.Api.Features.Wallets;

public static class UnlinkWalletEndpoint
{
    /// <summary>Unlinks the caller's wallet and frees the address for anyone to link.</summary>
    [WolverineDelete("/me/wallet"), Authorize]
    public static async Task<IResult> Delete(ClaimsPrincipal principal, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var userId = principal.Id();
        var user = await session.Events.FetchForWriting<User>(userId, cancellation);
        var decision = LinkWalletDecision.Decide(user.Aggregate!, new UnlinkWallet(userId), clock.GetUtcNow());
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        var address = ((WalletUnlinked)decision.Value!.UserEvents[0]).Address;
        var wallet = await session.Events.FetchForWriting<WalletOwnership>(WalletOwnership.IdFor(address), cancellation);
        user.AppendMany(decision.Value!.UserEvents);
        wallet.AppendMany(decision.Value!.WalletEvents);
        return Results.NoContent();
    }
}
