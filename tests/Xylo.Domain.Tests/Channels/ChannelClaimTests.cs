using Shouldly;
using Xylo.Domain.Channels;

namespace Xylo.Domain.Tests.Channels;

public sealed class ChannelClaimTests
{
    private const string ChannelId = "UC_x5XG1OV2P6uZZ5FSM9Ttw";
    private static readonly Guid ClaimId = ChannelClaim.IdFor(ChannelId);

    [Fact]
    public void Claiming_a_channel_issues_the_code()
    {
        var user = Given.User();

        var decision = ClaimChannelDecision.Decide(user, null, new ClaimChannel(user.Id, ChannelId, "xylo-abc123"), Given.Now);

        decision.Events.ShouldBe([new ChannelClaimStarted(ClaimId, ChannelId, user.Id, "xylo-abc123", Given.Now)]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UC123")]
    [InlineData("https://youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw")]
    public void A_malformed_channel_id_is_invalid(string channelId)
    {
        var user = Given.User();

        ClaimChannelDecision.Decide(user, null, new ClaimChannel(user.Id, channelId, "code"), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void Claiming_again_keeps_the_first_code()
    {
        var user = Given.User();
        var claim = ChannelClaim.Create(new ChannelClaimStarted(ClaimId, ChannelId, user.Id, "first", Given.Now));

        var decision = ClaimChannelDecision.Decide(user, claim, new ClaimChannel(user.Id, ChannelId, "second"), Given.Now);

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.ShouldBeEmpty();
        claim.PendingCodes[user.Id].ShouldBe("first");
    }

    [Fact]
    public void A_channel_verified_by_another_user_cannot_be_claimed()
    {
        var owner = Guid.CreateVersion7();
        var claim = Verified(owner);
        var user = Given.User();

        ClaimChannelDecision.Decide(user, claim, new ClaimChannel(user.Id, ChannelId, "code"), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void The_code_in_the_description_verifies_the_channel()
    {
        var user = Given.User();
        var claim = ChannelClaim.Create(new ChannelClaimStarted(ClaimId, ChannelId, user.Id, "xylo-abc123", Given.Now));

        var decision = VerifyChannelDecision.Decide(user, claim, new ChannelEvidence.Found("My Channel", "hello xylo-abc123 bye", 1500), Given.Now);

        decision.Events.ShouldBe([new ChannelVerified(ClaimId, ChannelId, user.Id, "My Channel", 1500, Given.Now)]);
    }

    [Fact]
    public void A_description_without_the_code_is_a_recorded_failure()
    {
        var user = Given.User();
        var claim = ChannelClaim.Create(new ChannelClaimStarted(ClaimId, ChannelId, user.Id, "xylo-abc123", Given.Now));

        var decision = VerifyChannelDecision.Decide(user, claim, new ChannelEvidence.Found("My Channel", "no code here", 1500), Given.Now);

        decision.Events.ShouldBe([new ChannelVerificationFailed(ClaimId, ChannelId, user.Id, VerifyChannelDecision.CodeNotFound, Given.Now)]);
    }

    [Fact]
    public void A_channel_youtube_does_not_know_is_a_recorded_failure()
    {
        var user = Given.User();
        var claim = ChannelClaim.Create(new ChannelClaimStarted(ClaimId, ChannelId, user.Id, "xylo-abc123", Given.Now));

        var decision = VerifyChannelDecision.Decide(user, claim, new ChannelEvidence.NotFound(), Given.Now);

        decision.Events.ShouldBe([new ChannelVerificationFailed(ClaimId, ChannelId, user.Id, VerifyChannelDecision.ChannelNotFound, Given.Now)]);
    }

    [Fact]
    public void Verifying_a_channel_another_user_verified_is_a_conflict()
    {
        var user = Given.User();
        var claim = Verified(Guid.CreateVersion7()).Apply(new ChannelClaimStarted(ClaimId, ChannelId, user.Id, "mine", Given.Now));

        VerifyChannelDecision.Decide(user, claim, new ChannelEvidence.Found("t", "mine", 1), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void Verifying_without_a_claim_of_ones_own_is_not_found()
    {
        var user = Given.User();
        var claim = ChannelClaim.Create(new ChannelClaimStarted(ClaimId, ChannelId, Guid.CreateVersion7(), "theirs", Given.Now));

        VerifyChannelDecision.Decide(user, claim, new ChannelEvidence.Found("t", "theirs", 1), Given.Now).Rejection!.Kind.ShouldBe(RejectionKind.NotFound);
    }

    private static ChannelClaim Verified(Guid owner) =>
        ChannelClaim.Create(new ChannelClaimStarted(ClaimId, ChannelId, owner, "code", Given.Now))
            .Apply(new ChannelVerified(ClaimId, ChannelId, owner, "t", 1, Given.Now));
}
