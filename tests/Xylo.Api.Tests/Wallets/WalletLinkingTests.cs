using System.Text.Json;
using Alba;
using Nethereum.Signer;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Wallets;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Wallets;

namespace Xylo.Api.Tests.Wallets;

[Collection(IdentityCollection.Name)]
public sealed class WalletLinkingTests(IdentityFixture fixture)
{
    [Fact]
    public async Task A_message_signed_by_the_wallet_links_it_checksummed()
    {
        var user = await fixture.SignInWithXAsync();
        var key = EthECKey.GenerateKey();
        var (text, signature) = await SignedMessageAsync(user, key);

        var result = await LinkAsync(user, text, signature, 200);

        var address = key.GetPublicAddress();
        (await result.ReadJsonAsync()).GetProperty("address").GetString().ShouldBe(address);
        (await fixture.Host.ProfileAsync(user)).GetProperty("wallet").GetString().ShouldBe(address);
    }

    [Fact]
    public async Task A_nonce_used_once_cannot_be_used_again()
    {
        var user = await fixture.SignInWithXAsync();
        var (text, signature) = await SignedMessageAsync(user, EthECKey.GenerateKey());
        await LinkAsync(user, text, signature, 200);
        await Unlink(user);

        await LinkAsync(user, text, signature, 409);
    }

    [Fact]
    public async Task A_signature_from_another_key_is_401_and_writes_nothing()
    {
        var user = await fixture.SignInWithXAsync();
        var (text, _) = await SignedMessageAsync(user, EthECKey.GenerateKey());
        var forged = new EthereumMessageSigner().EncodeUTF8AndSign(text, EthECKey.GenerateKey());

        await NothingWrittenAsync(() => LinkAsync(user, text, forged, 401));
    }

    [Fact]
    public async Task The_wrong_chain_is_400_and_writes_nothing()
    {
        var user = await fixture.SignInWithXAsync();
        var (text, signature) = await SignedMessageAsync(user, EthECKey.GenerateKey(), m => m with { ChainId = 137 });

        await NothingWrittenAsync(() => LinkAsync(user, text, signature, 400));
    }

    [Fact]
    public async Task Another_domain_is_400()
    {
        var user = await fixture.SignInWithXAsync();
        var (text, signature) = await SignedMessageAsync(user, EthECKey.GenerateKey(), m => m with { Domain = "evil.example" });

        await NothingWrittenAsync(() => LinkAsync(user, text, signature, 400));
    }

    [Fact]
    public async Task An_expired_message_is_401_and_writes_nothing()
    {
        var user = await fixture.SignInWithXAsync();
        var (text, signature) = await SignedMessageAsync(user, EthECKey.GenerateKey(),
            m => m with { IssuedAt = DateTimeOffset.UtcNow.AddMinutes(-3), ExpirationTime = DateTimeOffset.UtcNow.AddMinutes(-1) });

        await NothingWrittenAsync(() => LinkAsync(user, text, signature, 401));
    }

    [Fact]
    public async Task A_nonce_issued_to_someone_else_is_401()
    {
        var user = await fixture.SignInWithXAsync();
        var other = await fixture.SignInWithXAsync();
        var key = EthECKey.GenerateKey();
        var nonce = await NonceAsync(other);
        var text = Message(key, nonce).ToText();

        await NothingWrittenAsync(() => LinkAsync(user, text, Sign(text, key), 401));
    }

    [Fact]
    public async Task An_unknown_nonce_is_401()
    {
        var user = await fixture.SignInWithXAsync();
        var key = EthECKey.GenerateKey();
        var text = Message(key, "NeverIssued12345").ToText();

        await NothingWrittenAsync(() => LinkAsync(user, text, Sign(text, key), 401));
    }

    [Theory]
    [InlineData("not an EIP-4361 message")]
    [InlineData("")]
    public async Task A_malformed_message_is_400_and_writes_nothing(string text)
    {
        var user = await fixture.SignInWithXAsync();

        await NothingWrittenAsync(() => LinkAsync(user, text, "0x00", 400));
    }

    [Fact]
    public async Task A_malformed_body_is_400_and_writes_nothing()
    {
        var user = await fixture.SignInWithXAsync();

        await NothingWrittenAsync(() => fixture.Host.Scenario(s =>
        {
            s.Post.Text("{\"message\": [").ToUrl("/me/wallet");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithBearer(user);
            s.StatusCodeShouldBe(400);
        }));
    }

    [Fact]
    public async Task A_lowercase_address_is_400()
    {
        var user = await fixture.SignInWithXAsync();
        var key = EthECKey.GenerateKey();
        var nonce = await NonceAsync(user);
        var text = (Message(key, nonce) with { Address = key.GetPublicAddress().ToLowerInvariant() }).ToText();

        await NothingWrittenAsync(() => LinkAsync(user, text, Sign(text, key), 400));
    }

    [Fact]
    public async Task A_wallet_linked_to_another_user_is_409_until_they_unlink_it()
    {
        var owner = await fixture.SignInWithXAsync();
        var other = await fixture.SignInWithXAsync();
        var key = EthECKey.GenerateKey();
        var (ownerText, ownerSignature) = await SignedMessageAsync(owner, key);
        await LinkAsync(owner, ownerText, ownerSignature, 200);

        var (text, signature) = await SignedMessageAsync(other, key);
        await LinkAsync(other, text, signature, 409);

        await Unlink(owner);
        (await fixture.Host.ProfileAsync(owner)).GetProperty("wallet").ValueKind.ShouldBe(JsonValueKind.Null);
        var (again, againSignature) = await SignedMessageAsync(other, key);
        await LinkAsync(other, again, againSignature, 200);
    }

    [Fact]
    public async Task Two_users_linking_one_wallet_at_once_exactly_one_wins()
    {
        var first = await fixture.SignInWithXAsync();
        var second = await fixture.SignInWithXAsync();
        var key = EthECKey.GenerateKey();
        var (firstText, firstSignature) = await SignedMessageAsync(first, key);
        var (secondText, secondSignature) = await SignedMessageAsync(second, key);

        var results = await Task.WhenAll(
            LinkAsync(first, firstText, firstSignature, null),
            LinkAsync(second, secondText, secondSignature, null));

        results.Select(r => r.Context.Response.StatusCode).Order().ShouldBe([200, 409]);
        var wallets = new[] { await fixture.Host.ProfileAsync(first), await fixture.Host.ProfileAsync(second) }
            .Count(p => p.GetProperty("wallet").GetString() == key.GetPublicAddress());
        wallets.ShouldBe(1);
    }

    [Fact]
    public async Task Unlinking_without_a_wallet_is_404()
    {
        var user = await fixture.SignInWithXAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Delete.Url("/me/wallet");
            s.WithBearer(user);
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task The_nonce_needs_a_signed_in_user()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/auth/wallet/nonce");
            s.StatusCodeShouldBe(401);
        });
    }

    private async Task<(string Text, string Signature)> SignedMessageAsync(TokenResponse user, EthECKey key, Func<SiweMessage, SiweMessage>? change = null)
    {
        var message = Message(key, await NonceAsync(user));
        var text = (change?.Invoke(message) ?? message).ToText();
        return (text, Sign(text, key));
    }

    private static SiweMessage Message(EthECKey key, string nonce) => new()
    {
        Domain = IdentityFixture.SiweDomain,
        Address = key.GetPublicAddress(),
        Statement = "Link this wallet to my XYLO account.",
        Uri = IdentityFixture.SiweUri + "/wallet",
        ChainId = IdentityFixture.ChainId,
        Nonce = nonce,
        IssuedAt = DateTimeOffset.UtcNow,
        ExpirationTime = DateTimeOffset.UtcNow.AddMinutes(5),
    };

    private static string Sign(string text, EthECKey key) => new EthereumMessageSigner().EncodeUTF8AndSign(text, key);

    private async Task<string> NonceAsync(TokenResponse user)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/auth/wallet/nonce");
            s.WithBearer(user);
            s.StatusCodeShouldBeOk();
        });
        var nonce = await result.ReadJsonAsync<WalletNonceResponse>();
        nonce.Domain.ShouldBe(IdentityFixture.SiweDomain);
        nonce.ChainId.ShouldBe(IdentityFixture.ChainId);
        return nonce.Nonce;
    }

    private Task<IScenarioResult> LinkAsync(TokenResponse user, string text, string signature, int? expected) =>
        fixture.Host.Scenario(s =>
        {
            s.Post.Json(new LinkWalletRequest(text, signature)).ToUrl("/me/wallet");
            s.WithBearer(user);
            if (expected is { } status) s.StatusCodeShouldBe(status);
            else s.IgnoreStatusCode();
        });

    private Task Unlink(TokenResponse user) => fixture.Host.Scenario(s =>
    {
        s.Delete.Url("/me/wallet");
        s.WithBearer(user);
        s.StatusCodeShouldBe(204);
    });


    private async Task NothingWrittenAsync(Func<Task> act)
    {
        var before = await fixture.Host.EventCountAsync();
        await act();
        (await fixture.Host.EventCountAsync()).ShouldBe(before);
    }
}
