using Alba;
using Microsoft.AspNetCore.Mvc;
using Xylo.Api.Tests.Support;
using Xylo.Projections.Rewards;

namespace Xylo.Api.Tests.Rewards;

[Collection(DevelopmentCollection.Name)]
public sealed class RetiringRewardsTests(DevelopmentFixture fixture)
{
    [Fact]
    public async Task Retiring_answers_the_retired_catalog_entry_and_retiring_again_changes_nothing()
    {
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);
        var reward = await fixture.Host.CreateRewardAsync(admin, cost: 25, supply: 3);

        var first = await Retire(admin, reward.Id, 200);
        var again = await Retire(admin, reward.Id, 200);

        var retired = await first.ReadAsJsonAsync<RewardView>();
        Assert.Equal(reward with { Retired = true }, retired);
        Assert.Equal(retired, await again.ReadAsJsonAsync<RewardView>());
    }

    [Fact]
    public async Task Retiring_an_unknown_reward_is_404()
    {
        var admin = await fixture.Host.DevSignInAsync(roles: ["admin"]);

        var result = await Retire(admin, Guid.CreateVersion7(), 404);

        var problem = await result.ReadAsJsonAsync<ProblemDetails>();
        Assert.Equal("no such reward", problem!.Detail);
        Assert.Equal("Not Found", problem.Title);
    }

    private Task<IScenarioResult> Retire(Xylo.Api.Features.Auth.TokenResponse admin, Guid rewardId, int status) =>
        fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/admin/rewards/{rewardId}/retirement");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(status);
        });
}
