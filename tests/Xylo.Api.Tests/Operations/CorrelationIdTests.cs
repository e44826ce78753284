using System.Text.Json;
using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class CorrelationIdTests(AppFixture fixture)
{
    [Fact]
    public async Task A_given_correlation_id_is_echoed_and_written_to_the_json_log()
    {
        var correlationId = $"test-{Guid.NewGuid():N}";
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/probe/items/7");
            s.WithRequestHeader("X-Correlation-Id", correlationId);
        });

        result.Context.Response.Headers["X-Correlation-Id"].ToString().ShouldBe(correlationId);

        var requestLine = await Eventually.Get(
            () => Task.FromResult(LogLines(fixture.Host.LogDirectory(), "combined.log")
                .FirstOrDefault(l => l.TryGetProperty("CorrelationId", out var id) && id.GetString() == correlationId
                                     && l.TryGetProperty("StatusCode", out _))),
            line => line.ValueKind != JsonValueKind.Undefined);

        requestLine.ValueKind.ShouldBe(JsonValueKind.Object, "the request log line carries the correlation id");
        requestLine.GetProperty("RequestMethod").GetString().ShouldBe("GET");
        requestLine.GetProperty("Route").GetString().ShouldBe("/probe/items/{id}");
        requestLine.GetProperty("StatusCode").GetInt32().ShouldBe(200);
        requestLine.GetProperty("Elapsed").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task A_missing_correlation_id_is_generated()
    {
        var result = await fixture.Host.Scenario(s => s.Get.Url("/"));

        result.Context.Response.Headers["X-Correlation-Id"].ToString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task An_unsafe_correlation_id_is_replaced_not_echoed()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/");
            s.WithRequestHeader("X-Correlation-Id", "bad id\" with {json} and a very long tail " + new string('x', 100));
        });

        var echoed = result.Context.Response.Headers["X-Correlation-Id"].ToString();
        echoed.ShouldNotContain("bad id");
        echoed.Length.ShouldBeInRange(1, 64);
    }

    internal static List<JsonElement> LogLines(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
    }
}
