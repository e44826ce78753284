using Alba;
using Shouldly;
using Xylo.Api.Features.Points;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Points;

[Collection(PointsCollection.Name)]
public sealed class IdempotentPointsTests(PointsFixture fixture)
{
    [Fact]
    public async Task An_award_retried_with_its_key_is_answered_again_and_credited_once()
    {
        var user = await fixture.SignInWithXAsync();
        var key = $"award-{Guid.NewGuid():N}";
        var request = new AwardRequest(user.User.Id, 75, "retry me", null, null);

        var first = await fixture.Host.AwardAsync(request, key);
        var replay = await fixture.Host.AwardAsync(request, key);

        replay.Results.ShouldBe(first.Results, "the replay is the stored answer, lot id included");
        replay.Awarded.ShouldBe(1);
        (await fixture.Host.BalanceAsync(user)).Earned.ShouldBe(175);
        await fixture.Host.AwardAsync(request with { Amount = 76 }, key, expected: 409);
        (await fixture.Host.BalanceAsync(user)).Earned.ShouldBe(175);
    }

    [Fact]
    public async Task Twenty_concurrent_identical_check_ins_have_one_effect()
    {
        var user = await fixture.SignInWithXAsync();
        var key = $"checkin-{Guid.NewGuid():N}";

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fixture.Host.Scenario(s =>
        {
            s.Post.Url("/me/checkins");
            s.WithBearer(user);
            s.WithRequestHeader("Idempotency-Key", key);
            s.IgnoreStatusCode();
        })));

        answers.Select(a => a.Context.Response.StatusCode).ShouldAllBe(status => status == 200);
        var bodies = await Task.WhenAll(answers.Select(a => a.ReadAsTextAsync()));
        bodies.Distinct().Count().ShouldBe(1);
        answers.Count(a => a.Context.Response.Headers.ContainsKey("Idempotent-Replayed")).ShouldBe(19);
        var balance = await fixture.Host.BalanceAsync(user);
        balance.Earned.ShouldBe(110);
        (await fixture.Host.HistoryAsync(user)).Entries.Count(e => e.Rule == "daily-checkin").ShouldBe(1);
    }
}
