using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Features.Points;
using Xylo.Api.Tests.Support;
using Xylo.Projections.Points;

namespace Xylo.Api.Tests.Points;

[Collection(PointsCollection.Name)]
public sealed class AwardsTests(PointsFixture fixture)
{
    [Fact]
    public async Task Ten_thousand_awards_in_one_request_are_all_credited_and_visible()
    {
        var users = new List<Guid>();
        for (var i = 0; i < 20; i++) users.Add((await fixture.SignInWithXAsync()).User.Id);
        var awards = Enumerable.Range(0, AwardPointsEndpoint.MaxEntries)
            .Select(i => new AwardEntry(users[i % users.Count], (i % 7) + 1, $"campaign entry {i}", null)).ToList();

        var response = await fixture.Host.AwardAsync(new AwardRequest(null, null, null, null, awards));

        response.Total.ShouldBe(10_000);
        response.Awarded.ShouldBe(10_000);
        response.Failed.ShouldBe(0);
        response.Results.Select(r => r.Index).ShouldBe(Enumerable.Range(0, 10_000));
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var balances = (await session.LoadManyAsync<Xylo.Domain.Points.PointsAccount>(TestContext.Current.CancellationToken, users)).ToDictionary(b => b.Id);
        foreach (var (userId, index) in users.Select((u, i) => (u, i)))
        {
            var expected = awards.Where(a => a.UserId == userId).Sum(a => a.Amount!.Value);
            balances[userId].Earned.ShouldBe(100 + expected, $"user #{index}");
        }
    }

    [Fact]
    public async Task Concurrent_awards_to_one_account_are_each_credited_once_or_refused_never_reported_as_duplicates()
    {
        var user = await fixture.SignInWithXAsync();
        await fixture.Host.WaitForSignUpBonusAsync(user.User.Id);

        // Sixteen different sources at once: most commits lose the append race and are decided again.
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            var result = await fixture.Host.Scenario(s =>
            {
                s.Post.Json(new AwardEntry(user.User.Id, 1, "concurrent", $"concurrent-{user.User.Id}-{i}")).ToUrl("/points/awards");
                s.WithRequestHeader("X-Api-Key", PointsFixture.IntegrationKey);
                s.IgnoreStatusCode();
            });
            return result.Context.Response.StatusCode == 200 ? (await result.ReadJsonAsync<AwardResponse>()).Results.Single().Status : "409";
        }));

        answers.ShouldAllBe(status => status == "awarded" || status == "409", string.Join(", ", answers));
        var balance = await fixture.Host.BalanceAsync(user);
        balance.Earned.ShouldBe(100 + answers.Count(status => status == "awarded"), "every award answered as credited is in the account, and nothing else");
    }

    [Fact]
    public async Task Bad_entries_fail_alone_and_write_nothing_for_themselves()
    {
        var user = await fixture.SignInWithXAsync();

        var response = await fixture.Host.AwardAsync(new AwardRequest(null, null, null, null,
        [
            new AwardEntry(user.User.Id, 25, "valid", null),
            new AwardEntry(user.User.Id, 0, "zero", null),
            new AwardEntry(user.User.Id, -5, "negative", null),
            new AwardEntry(user.User.Id, 5_000_000, "absurd", null),
            new AwardEntry(Guid.CreateVersion7(), 10, "nobody", null),
            new AwardEntry(user.User.Id, 10, "", null),
            new AwardEntry(null, 10, "no user", null),
        ]));

        response.Results.Select(r => r.Status).ShouldBe(["awarded", "failed", "failed", "failed", "failed", "failed", "failed"]);
        response.Results[4].Error.ShouldStartWith("no user");
        (await fixture.Host.BalanceAsync(user)).Earned.ShouldBe(125);
    }

    [Fact]
    public async Task An_entry_with_a_source_is_credited_once_across_requests()
    {
        var user = await fixture.SignInWithXAsync();
        var entry = new AwardEntry(user.User.Id, 40, "tournament prize", $"tournament-{Guid.NewGuid():N}");

        (await fixture.Host.AwardAsync(new AwardRequest(null, null, null, null, [entry]))).Awarded.ShouldBe(1);
        (await fixture.Host.AwardAsync(new AwardRequest(null, null, null, null, [entry]))).Duplicates.ShouldBe(1);

        (await fixture.Host.BalanceAsync(user)).Earned.ShouldBe(140);
    }

    [Theory]
    [InlineData("{\"awards\": []}")]
    [InlineData("{}")]
    [InlineData("{\"awards\": [")]
    public async Task A_request_without_awards_is_400_and_writes_nothing(string body)
    {
        var before = await fixture.Host.EventCountAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl("/points/awards");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("X-Api-Key", PointsFixture.IntegrationKey);
            s.StatusCodeShouldBe(400);
        });

        (await fixture.Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Awards_need_an_admin_or_an_integration_key()
    {
        var user = await fixture.SignInWithXAsync();
        var award = new { userId = user.User.Id, amount = 10, reason = "x" };

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(award).ToUrl("/points/awards");
            s.StatusCodeShouldBe(401);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(award).ToUrl("/points/awards");
            s.WithRequestHeader("X-Api-Key", "wrong-key-000000");
            s.StatusCodeShouldBe(401);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(award).ToUrl("/points/awards");
            s.WithBearer(user);
            s.StatusCodeShouldBe(403);
        });
        var admin = await fixture.SignInWithXAsync(new FakeXUser("points-admin", "ops", "Ops"));
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(award).ToUrl("/points/awards");
            s.WithBearer(admin);
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public async Task A_rules_daily_cap_trims_and_then_refuses()
    {
        var admin = await fixture.SignInWithXAsync(new FakeXUser("points-admin", "ops", "Ops"));
        var user = await fixture.SignInWithXAsync();
        var rules = await (await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/admin/rules");
            s.WithBearer(admin);
        })).ReadJsonAsync<List<Xylo.Domain.Points.EarningRule>>();
        var original = rules.Single(r => r.Id == "admin-award");
        await PutRuleAsync(admin, original with { PerUserDailyCap = 500 });
        try
        {
            var response = await fixture.Host.AwardAsync(new AwardRequest(null, null, null, null,
            [
                new AwardEntry(user.User.Id, 400, "first", null),
                new AwardEntry(user.User.Id, 300, "second", null),
                new AwardEntry(user.User.Id, 50, "third", null),
            ]));

            response.Results.Select(r => r.Amount).ShouldBe([400, 100, null]);
            response.Results[2].Error!.ShouldContain("daily cap");
        }
        finally
        {
            await PutRuleAsync(admin, original);
        }
    }

    private Task PutRuleAsync(Xylo.Api.Features.Auth.TokenResponse admin, Xylo.Domain.Points.EarningRule rule) => fixture.Host.Scenario(s =>
    {
        s.Put.Json(rule).ToUrl($"/admin/rules/{rule.Id}");
        s.WithBearer(admin);
        s.StatusCodeShouldBeOk();
    });
}
