using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Http;
using Xylo.Api.Features.Vault;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Users;
using Xylo.Domain.Wallets;

namespace Xylo.Api.Features.Wallets;

public sealed record LinkWalletRequest(string? Message, string? Signature);

public sealed record LinkedWallet(string Address, long ChainId);

public static class LinkWalletEndpoint
{
    private const int MaxMessageLength = 4096;

    /// <summary>
    /// Sign-In with Ethereum: the EIP-4361 message must name this site, this chain and a fresh nonce of
    /// the caller's, and be signed (EIP-191) by the address it names. Any failure writes nothing.
    /// </summary>
    [WolverinePost("/me/wallet"), Authorize]
    public static async Task<IResult> Post(LinkWalletRequest request, ClaimsPrincipal principal, IDocumentSession session,
        IOptions<SiweOptions> options, TimeProvider clock, IMessageBus bus, CancellationToken cancellation)
    {
        if (request.Message is not { Length: > 0 and <= MaxMessageLength } text) return Problems.Invalid("message", $"is required (at most {MaxMessageLength} characters)");
        if (string.IsNullOrWhiteSpace(request.Signature)) return Problems.Invalid("signature", "is required");
        if (!SiweMessage.TryParse(text, out var message, out var error)) return Problems.Invalid("message", error);
        if (!SiweSignature.IsChecksummed(message.Address)) return Problems.Invalid("message", "the address is not EIP-55 checksummed");

        var now = clock.GetUtcNow();
        var siwe = options.Value;
        var check = SiweRules.Check(message, new SiweExpectations(siwe.Domain, siwe.Uri, siwe.ChainId), now);
        if (!check.IsOk)
        {
            return check.Code is SiweRejectionCode.WrongDomain or SiweRejectionCode.WrongUri or SiweRejectionCode.WrongChain
                ? Problems.Invalid("message", check.Detail!)
                : Problems.Unauthorized(check.Detail!);
        }

        var userId = principal.Id();
        var nonce = await session.LoadAsync<WalletNonce>(message.Nonce, cancellation);
        if (nonce is null || nonce.UserId != userId) return Problems.Unauthorized("the nonce was not issued to you; ask GET /auth/wallet/nonce");
        if (nonce.UsedAt is not null) return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: "the nonce has already been used");
        if (nonce.ExpiresAt <= now) return Problems.Unauthorized("the nonce has expired; ask GET /auth/wallet/nonce again");

        if (!SiweSignature.Verify(message, text, request.Signature)) return Problems.Unauthorized("the signature is not from the address in the message");

        var user = await session.Events.FetchForWriting<User>(userId, cancellation);
        var wallet = await session.Events.FetchForWriting<WalletOwnership>(WalletOwnership.IdFor(message.Address), cancellation);
        var decision = LinkWalletDecision.Decide(user.Aggregate!, wallet.Aggregate, new LinkWallet(userId, message.Address, message.ChainId), now);
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        // Marking the nonce used is versioned: a concurrent second use of it fails the whole transaction.
        session.Store(nonce with { UsedAt = now });
        user.AppendMany(decision.Value!.UserEvents);
        wallet.AppendMany(decision.Value!.WalletEvents);
        // Deposits the wallet made before it was linked are credited now (through the outbox: only if the link commits).
        if (decision.Value.WalletEvents.Count > 0) await bus.PublishAsync(new SettleVaultCredits(message.Address.ToLowerInvariant()));
        return Results.Ok(new LinkedWallet(message.Address, message.ChainId));
    }
}
