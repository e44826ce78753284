using Shouldly;
using Xylo.Domain.Channels;
using Xylo.Domain.Mints;
using Xylo.Domain.Points;
using Xylo.Domain.Rewards;
using Xylo.Domain.Users;
using Xylo.Domain.Wallets;

namespace Xylo.Domain.Tests;

public sealed class EvolveTests
{
    private static readonly Guid Id = Guid.CreateVersion7();

    [Fact]
    public void A_stream_opens_with_its_first_event_and_not_with_any_other()
    {
        User.Evolve(null, new UserRegistered(Id, "fan", ExternalLogin.X, Given.Now)).Id.ShouldBe(Id);
        PointsAccount.Evolve(null, new PointsEarned(Id, Guid.CreateVersion7(), 5, "signup", "signup", null, null, Given.Now, null)).Available.ShouldBe(5);
        Reward.Evolve(null, new RewardCreated(Id, "Badge", "", "ipfs://b", 10, 1, null, null, "admin", Given.Now)).Remaining.ShouldBe(1);

        Should.Throw<InvalidOperationException>(() => User.Evolve(null, new UserSuspended(Id, "spam", "admin", Given.Now)));
        Should.Throw<InvalidOperationException>(() => PointsAccount.Evolve(null, new PointsSpent(Id, Guid.CreateVersion7(), 1, Given.Now)));
        Should.Throw<InvalidOperationException>(() => Mint.Evolve(null, new MintResumed(Id, Given.Now)));
    }

    [Fact]
    public void An_event_of_another_stream_is_refused_rather_than_skipped()
    {
        var user = Given.User(Id);

        Should.Throw<InvalidOperationException>(() => User.Evolve(user, new RewardRetired(Id, "admin", Given.Now)));
    }

    [Fact]
    public void Evolve_applies_the_events_it_is_given_in_order()
    {
        var claim = new[]
        {
            new ChannelClaimStarted(Id, "UC1", Guid.Empty, "code", Given.Now),
            (object)new ChannelVerified(Id, "UC1", Guid.Empty, "t", 1, Given.Now),
        }.Aggregate((ChannelClaim?)null, ChannelClaim.Evolve);
        var wallet = new object[]
        {
            new WalletClaimed(Id, "0xabc", Guid.Empty, Given.Now),
            new WalletReleased(Id, "0xabc", Guid.Empty, Given.Now),
        }.Aggregate((WalletOwnership?)null, WalletOwnership.Evolve);
        var user = Given.User(Id, new UserSuspended(Id, "spam", "admin", Given.Now), new UserReinstated(Id, "admin", Given.Now));

        claim!.VerifiedBy.ShouldBe(Guid.Empty);
        wallet!.OwnerId.ShouldBeNull();
        user.Suspended.ShouldBeFalse();
    }
}
