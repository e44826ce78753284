using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class MetricsTests(AppFixture fixture)
{
    [Fact]
    public async Task Metrics_use_the_guides_names_and_templated_route_labels()
    {
        const string itemRequests = "http_request_total{method=\"GET\",route=\"/probe/items/{id}\",status_code=\"200\"}";
        const string crashErrors = "http_request_errors_total{method=\"GET\",route=\"/probe/crash\",status_code=\"500\"}";
        var before = await ScrapeAsync();

        await fixture.Host.Scenario(s => s.Get.Url("/probe/items/42"));
        await fixture.Host.Scenario(s => s.Get.Url("/probe/items/43"));
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/probe/crash");
            s.StatusCodeShouldBe(500);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/no/such/route/7");
            s.StatusCodeShouldBe(404);
        });
        await fixture.Host.Scenario(s => s.Get.Url("/health/ready"));

        var text = await ScrapeAsync();

        text.ShouldContain("http_request_duration_seconds_bucket{method=\"GET\",route=\"/probe/items/{id}\",status_code=\"200\"");
        (MetricsText.Value(text, itemRequests) - MetricsText.Value(before, itemRequests)).ShouldBe(2);
        (MetricsText.Value(text, crashErrors) - MetricsText.Value(before, crashErrors)).ShouldBe(1);
        text.ShouldContain("http_request_total{method=\"GET\",route=\"unmatched\",status_code=\"404\"}");
        text.ShouldNotContain("/probe/items/42");
        text.ShouldNotContain("/no/such/route");
        text.ShouldContain("db_query_duration_seconds_bucket{operation=\"select\"");
        text.ShouldContain("redis_cache_hit_rate");
        text.ShouldContain("xylo_rate_limit_fallback_total");
        text.ShouldContain("process_cpu_seconds_total");
        text.ShouldContain("dotnet_collection_count_total");
    }

    private async Task<string> ScrapeAsync()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/metrics");
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadAsTextAsync();
    }
}
