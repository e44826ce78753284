using System.Text.Json;
using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class HealthTests(AppFixture fixture)
{
    [Fact]
    public async Task Liveness_answers_without_touching_dependencies()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/health");
            s.StatusCodeShouldBeOk();
        });

        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        body.GetProperty("status").GetString().ShouldBe("Healthy");
        body.GetProperty("checks").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Readiness_reports_postgresql_redis_and_the_projection_daemon_healthy_and_an_unconfigured_chain_degraded()
    {
        // The database is shared with earlier test classes: the async daemon may still be catching up on their events.
        var body = await Eventually.Get(async () =>
        {
            var result = await fixture.Host.Scenario(s =>
            {
                s.Get.Url("/health/ready");
                s.StatusCodeShouldBeOk();
            });
            return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
        }, b => b.GetProperty("checks").GetProperty("projections").GetProperty("status").GetString() == "Healthy", TimeSpan.FromSeconds(60));

        body.GetProperty("status").GetString().ShouldBe("Degraded", "the test host has no contracts configured");
        var checks = body.GetProperty("checks");
        checks.GetProperty("postgresql").GetProperty("status").GetString().ShouldBe("Healthy");
        checks.GetProperty("redis").GetProperty("status").GetString().ShouldBe("Healthy");
        checks.GetProperty("projections").GetProperty("status").GetString().ShouldBe("Healthy");
        checks.GetProperty("chain").GetProperty("status").GetString().ShouldBe("Degraded");
        checks.GetProperty("chain").GetProperty("description").GetString()!.ShouldMatch("CHAIN_RPC_URL is not set|RewardsContract is not configured");
    }
}
