using Shouldly;
using Xylo.Domain.Points;
using Xylo.Domain.Users;
using static Xylo.Domain.Tests.Points.PointsHistory;

namespace Xylo.Domain.Tests.Points;

public sealed class EarningDecisionsTests
{
    private static readonly EarningRule Referral = EarningRule.Defaults.Single(r => r.Id == EarningRule.ReferralId);

    [Fact]
    public void A_suspended_user_cannot_earn()
    {
        var id = Guid.CreateVersion7();
        var suspended = Given.User(id, new UserSuspended(id, "spam", "admin", Given.Now));

        EarningDecisions.CanEarn(suspended).Rejection.ShouldBe(new Rejection(RejectionKind.Forbidden, "a suspended user cannot earn points"));
        EarningDecisions.CanEarn(Given.User()).IsAccepted.ShouldBeTrue();
        EarningDecisions.CanEarn(null).IsAccepted.ShouldBeTrue();
    }

    [Theory]
    [InlineData(null, 10L, "why", "userId is required")]
    [InlineData("u", null, "why", "amount must be a positive whole number")]
    [InlineData("u", 0L, "why", "amount must be a positive whole number")]
    [InlineData("u", 1_000_001L, "why", "amount is above the 1,000,000 limit for one award")]
    [InlineData("u", 10L, " ", "reason is required (at most 500 characters)")]
    [InlineData("u", 10L, "launch\u0000party", "reason must not contain NUL characters")]
    public void An_award_entry_needs_a_user_a_sane_amount_and_a_reason(string? user, long? amount, string reason, string error)
    {
        var fan = Given.User();

        EarningDecisions.CanAward(user is null ? null : fan.Id, fan, amount, reason).Rejection!.Message.ShouldBe(error);
    }

    [Fact]
    public void A_source_with_a_NUL_character_is_refused_before_anything_is_written()
    {
        var award = EarningDecisions.Award(Referral, null, UserId, Guid.CreateVersion7(), 10, "referral:\u0000", "why", null, 0, Given.Now);

        award.Rejection.ShouldBe(new Rejection(RejectionKind.Invalid, "source must not contain NUL characters"));
        award.Events.ShouldBeEmpty();
    }

    [Fact]
    public void An_award_to_an_unknown_or_suspended_user_is_refused()
    {
        var id = Guid.CreateVersion7();
        var suspended = Given.User(id, new UserSuspended(id, "spam", "admin", Given.Now));

        EarningDecisions.CanAward(id, null, 10, "why").Rejection!.Message.ShouldBe($"no user {id}");
        EarningDecisions.CanAward(id, suspended, 10, "why").Rejection!.Message.ShouldBe("the user is suspended");
        EarningDecisions.CanAward(id, Given.User(id), 10, "why").IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void An_award_is_trimmed_to_the_daily_cap_and_a_source_is_credited_once()
    {
        var account = Given.Points(Earned(Guid.CreateVersion7(), 950, earnedAt: Given.Now) with { Rule = EarningRule.ReferralId, Source = "referral:1" });

        var trimmed = EarningDecisions.Award(Referral, account, UserId, Guid.CreateVersion7(), 100, "referral:2", null, null, 0, Given.Now);
        var again = EarningDecisions.Award(Referral, account, UserId, Guid.CreateVersion7(), 100, "referral:1", null, null, 0, Given.Now);

        trimmed.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsEarned>().Amount.ShouldBe(50);
        again.IsAccepted.ShouldBeTrue();
        again.Events.ShouldBeEmpty();
    }

    [Fact]
    public void An_award_past_the_cap_or_the_budget_is_refused_as_unprocessable()
    {
        var budgeted = Referral with { PerUserDailyCap = null, GlobalBudget = 500 };

        var spent = EarningDecisions.Award(budgeted, null, UserId, Guid.CreateVersion7(), 100, "referral:3", null, null, 500, Given.Now);

        spent.Rejection.ShouldBe(new Rejection(RejectionKind.Unprocessable, "the budget of referral is spent"));
        RuleLimits.Allow(budgeted, null, 100, 450, Given.Now).Value.ShouldBe(50);
    }
}
