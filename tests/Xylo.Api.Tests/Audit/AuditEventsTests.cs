using System.Globalization;
using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Audit;

[Collection(DevelopmentCollection.Name)]
public sealed class AuditEventsTests(DevelopmentFixture fixture)
{
    private IAlbaHost Host => fixture.Host;

    [Fact]
    public async Task Pages_of_a_filtered_range_cover_it_exactly_once_in_sequence_order_with_metadata()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var auditor = await Host.DevSignInAsync(roles: ["auditor"]);
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var fan = await Host.DevSignInAsync();
        await Host.AwardEachAsync(admin, fan.User.Id, Enumerable.Range(1, 12).Select(i => (long)i).ToArray());

        var all = await Host.GetJsonAsync($"/audit/events?streamId={fan.User.Id}&limit=1000", auditor);
        var expected = all.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
        expected.ShouldBe(await Host.StreamSequencesAsync(fan.User.Id), "the whole stream, read from the store");
        expected.Count.ShouldBeGreaterThanOrEqualTo(14, "registration, the sign-up bonus and twelve awards");
        all.GetProperty("next").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);

        var paged = new List<long>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await Host.GetJsonAsync($"/audit/events?streamId={fan.User.Id}&limit=5{(after is null ? "" : $"&after={after}")}", auditor);
            paged.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
            var next = page.GetProperty("next");
            after = next.ValueKind == System.Text.Json.JsonValueKind.Null ? null : next.GetInt64().ToString(CultureInfo.InvariantCulture);
            pages++;
        }
        while (after is not null && pages < 10);

        paged.ShouldBe(expected, "no overlaps, no gaps");
        paged.ShouldBeInOrder(SortDirection.Ascending);

        var award = all.GetProperty("events").EnumerateArray().Last();
        award.GetProperty("type").GetString().ShouldBe("points_earned");
        award.GetProperty("streamType").GetString().ShouldBe("user", "a user's points live in the user's stream");
        award.GetProperty("streamId").GetGuid().ShouldBe(fan.User.Id);
        award.GetProperty("version").GetInt64().ShouldBe(expected.Count);
        award.GetProperty("data").GetProperty("Amount").GetInt64().ShouldBe(12);
        award.GetProperty("userName").GetString().ShouldBe(admin.User.Id.ToString());
        award.GetProperty("correlationId").GetString().ShouldNotBeNullOrEmpty();
        award.GetProperty("id").GetGuid().ShouldNotBe(Guid.Empty);

        var filtered = await Host.GetJsonAsync(
            $"/audit/events?streamType=user&eventType=points_earned&from={Uri.EscapeDataString(since.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"))}&limit=1000",
            auditor);
        var mine = filtered.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("streamId").GetGuid() == fan.User.Id).ToList();
        mine.Count.ShouldBe(13, "the sign-up bonus and twelve awards");
        filtered.GetProperty("events").EnumerateArray().ShouldAllBe(e =>
            e.GetProperty("type").GetString() == "points_earned" && e.GetProperty("streamType").GetString() == "user");

        var before = await Host.GetJsonAsync($"/audit/events?streamId={fan.User.Id}&to={Uri.EscapeDataString(since.AddHours(-1).ToString("O"))}", auditor);
        before.GetProperty("events").GetArrayLength().ShouldBe(0, "the time range excludes events outside it");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-11-01T00:00:00", "to")]
    [InlineData("streamType=galaxy", "streamType")]
    [InlineData("eventType=Points%20Earned", "eventType")]
    [InlineData("streamId=42", "streamId")]
    [InlineData("after=-1", "after")]
    public async Task Bad_filters_are_400_problems(string query, string field)
    {
        var auditor = await Host.DevSignInAsync(roles: ["auditor"]);
        var problem = await Host.GetJsonAsync($"/audit/events?{query}", auditor, 400);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        await Host.GetJsonAsync($"/audit/export?{query}", auditor, 400);
    }

    [Fact]
    public async Task Only_auditors_read_the_audit_and_auditors_cannot_write()
    {
        var user = await Host.DevSignInAsync();
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var auditor = await Host.DevSignInAsync(roles: ["auditor"]);
        string[] urls = ["/audit/events", $"/audit/streams/{user.User.Id}", $"/audit/streams/{user.User.Id}/state?version=1", "/audit/export", "/audit/integrity"];
        foreach (var url in urls)
        {
            await Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.StatusCodeShouldBe(401);
            });
            await Host.GetJsonAsync(url, user, 403);
            await Host.GetJsonAsync(url, admin, 403);
        }

        await Host.Scenario(s =>
        {
            s.Post.Json(new { userId = user.User.Id, amount = 5, reason = "auditor tries" }).ToUrl("/points/awards");
            s.WithBearer(auditor);
            s.StatusCodeShouldBe(403);
        });
        await Host.Scenario(s =>
        {
            s.Post.Url("/admin/projections/LeaderboardEntry/rebuild");
            s.WithBearer(auditor);
            s.StatusCodeShouldBe(403);
        });
    }
}
