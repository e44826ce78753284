using Shouldly;
using Xylo.Domain.Users;
using Xylo.Domain.Wallets;

namespace Xylo.Domain.Tests.Wallets;

public sealed class LinkWalletTests
{
    private const string Address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    private const string Other = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";

    [Fact]
    public void Linking_a_free_wallet_appends_to_the_user_and_the_wallet_streams()
    {
        var user = Given.User();

        var decision = LinkWalletDecision.Decide(user, null, new LinkWallet(user.Id, Address, 80002), Given.Now);

        decision.Value!.UserEvents.ShouldBe([new WalletLinked(user.Id, Address, 80002, Given.Now)]);
        decision.Value!.WalletEvents.ShouldBe([new WalletClaimed(WalletOwnership.IdFor(Address), Address, user.Id, Given.Now)]);
    }

    [Fact]
    public void A_wallet_owned_by_another_user_is_a_conflict()
    {
        var user = Given.User();
        var wallet = WalletOwnership.Create(new WalletClaimed(WalletOwnership.IdFor(Address), Address, Guid.CreateVersion7(), Given.Now));

        LinkWalletDecision.Decide(user, wallet, new LinkWallet(user.Id, Address, 80002), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void A_released_wallet_can_be_linked_by_someone_else()
    {
        var previous = Guid.CreateVersion7();
        var wallet = WalletOwnership.Create(new WalletClaimed(WalletOwnership.IdFor(Address), Address, previous, Given.Now))
            .Apply(new WalletReleased(WalletOwnership.IdFor(Address), Address, previous, Given.Now));
        var user = Given.User();

        LinkWalletDecision.Decide(user, wallet, new LinkWallet(user.Id, Address, 80002), Given.Now).Rejection.ShouldBeNull();
    }

    [Fact]
    public void Linking_the_same_wallet_again_appends_nothing()
    {
        var id = Guid.CreateVersion7();
        var user = Given.User(id, new WalletLinked(id, Address, 80002, Given.Now));
        var wallet = WalletOwnership.Create(new WalletClaimed(WalletOwnership.IdFor(Address), Address, id, Given.Now));

        var decision = LinkWalletDecision.Decide(user, wallet, new LinkWallet(id, Address.ToLowerInvariant(), 80002), Given.Now);

        decision.Rejection.ShouldBeNull();
        decision.Value!.UserEvents.ShouldBeEmpty();
        decision.Value!.WalletEvents.ShouldBeEmpty();
    }

    [Fact]
    public void A_second_wallet_needs_the_first_unlinked()
    {
        var id = Guid.CreateVersion7();
        var user = Given.User(id, new WalletLinked(id, Address, 80002, Given.Now));

        LinkWalletDecision.Decide(user, null, new LinkWallet(id, Other, 80002), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void A_suspended_user_cannot_link()
    {
        var id = Guid.CreateVersion7();
        var user = Given.User(id, new UserSuspended(id, "spam", "admin", Given.Now));

        LinkWalletDecision.Decide(user, null, new LinkWallet(id, Address, 80002), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Forbidden);
    }

    [Fact]
    public void Unlinking_releases_the_wallet_stream_too()
    {
        var id = Guid.CreateVersion7();
        var user = Given.User(id, new WalletLinked(id, Address, 80002, Given.Now));

        var decision = LinkWalletDecision.Decide(user, new UnlinkWallet(id), Given.Now);

        decision.Value!.UserEvents.ShouldBe([new WalletUnlinked(id, Address, Given.Now)]);
        decision.Value!.WalletEvents.ShouldBe([new WalletReleased(WalletOwnership.IdFor(Address), Address, id, Given.Now)]);
    }

    [Fact]
    public void Unlinking_without_a_wallet_is_not_found()
    {
        var user = Given.User();

        LinkWalletDecision.Decide(user, new UnlinkWallet(user.Id), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.NotFound);
    }

    [Fact]
    public void The_wallet_stream_id_ignores_address_case()
    {
        WalletOwnership.IdFor(Address).ShouldBe(WalletOwnership.IdFor(Address.ToLowerInvariant()));
    }
}
