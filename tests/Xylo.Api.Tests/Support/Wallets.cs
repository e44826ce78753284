using Alba;
using Nethereum.Signer;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Wallets;

namespace Xylo.Api.Tests.Support;

public static class Wallets
{
    /// <summary>Signs in a new fan and links a fresh wallet through Sign-In with Ethereum.</summary>
    public static async Task<(TokenResponse User, EthECKey Wallet)> FanWithWalletAsync(this IAlbaHost host, long chainId)
    {
        var user = await host.DevSignInAsync();
        var key = EthECKey.GenerateKey();
        await host.LinkWalletAsync(user, key, chainId);
        return (user, key);
    }

    public static async Task LinkWalletAsync(this IAlbaHost host, TokenResponse user, EthECKey key, long chainId)
    {
        var nonce = await (await host.Scenario(s =>
        {
            s.Get.Url("/auth/wallet/nonce");
            s.WithBearer(user);
        })).ReadJsonAsync<WalletNonceResponse>();
        await host.Scenario(s =>
        {
            s.Post.Json(LinkRequest(key, nonce.Nonce, chainId)).ToUrl("/me/wallet");
            s.WithBearer(user);
        });
    }

    /// <summary>The body of <c>POST /me/wallet</c>: a Sign-In with Ethereum message for the test domain, signed by <paramref name="key"/>.</summary>
    public static LinkWalletRequest LinkRequest(EthECKey key, string nonce, long chainId)
    {
        var text = new Xylo.Domain.Wallets.SiweMessage
        {
            Domain = IdentityFixture.SiweDomain,
            Address = key.GetPublicAddress(),
            Statement = "Link this wallet to my XYLO account.",
            Uri = IdentityFixture.SiweUri + "/wallet",
            ChainId = chainId,
            Nonce = nonce,
            IssuedAt = DateTimeOffset.UtcNow,
            ExpirationTime = DateTimeOffset.UtcNow.AddMinutes(5),
        }.ToText();
        return new LinkWalletRequest(text, new EthereumMessageSigner().EncodeUTF8AndSign(text, key));
    }
}
