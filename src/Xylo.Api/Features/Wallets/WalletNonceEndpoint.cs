using System.Security.Claims;
using System.Security.Cryptography;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Wolverine.Http;
using Xylo.Api.Features.Auth;

namespace Xylo.Api.Features.Wallets;

public sealed record WalletNonceResponse(string Nonce, DateTimeOffset ExpiresAt, string Domain, string Uri, long ChainId);

public static class WalletNonceEndpoint
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A nonce for the caller's next EIP-4361 message, with the values the message must carry.</summary>
    [WolverineGet("/auth/wallet/nonce"), Authorize]
    public static WalletNonceResponse Get(ClaimsPrincipal user, IDocumentSession session, IOptions<SiweOptions> options, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var siwe = options.Value;
        var nonce = new WalletNonce(RandomNumberGenerator.GetString(Alphabet, 24), user.Id(), now, now + siwe.NonceLifetime);
        session.Store(nonce);
        return new WalletNonceResponse(nonce.Id, nonce.ExpiresAt, siwe.Domain, siwe.Uri, siwe.ChainId);
    }
}
