using System.Text.Json;
using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class ErrorTests(AppFixture fixture)
{
    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Text("{\"name\": \"broken\", ").ToUrl("/probe/items");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });

        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        var problem = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        var errorLog = Path.Combine(fixture.Host.LogDirectory(), "error.log");
        (File.Exists(errorLog) ? await File.ReadAllTextAsync(errorLog, TestContext.Current.CancellationToken) : "")
            .ShouldNotContain("Error trying to deserialize JSON", customMessage: "a client's mistake is not an operator's error");
    }

    [Fact]
    public async Task A_field_of_the_wrong_type_is_a_400_problem()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Text("{\"name\": \"widget\", \"quantity\": \"many\"}").ToUrl("/probe/items");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });

        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        (await result.ReadAsTextAsync()).ShouldContain("quantity", Case.Insensitive);
    }

    [Fact]
    public async Task An_invalid_field_is_a_400_problem_naming_the_field()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new ProbeItem("widget", 0)).ToUrl("/probe/items");
            s.StatusCodeShouldBe(400);
        });

        var problem = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        problem.GetProperty("errors").GetProperty("quantity")[0].GetString().ShouldBe("must be positive");
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/definitely/not/here");
            s.StatusCodeShouldBe(404);
        });

        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("status").GetInt32().ShouldBe(404);
    }

    [Fact]
    public async Task An_unhandled_failure_is_a_500_problem_with_a_trace_id_and_no_internals()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/probe/crash");
            s.StatusCodeShouldBe(500);
        });

        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        var text = await result.ReadAsTextAsync();
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("traceId").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.GetProperty("correlationId").GetString().ShouldNotBeNullOrWhiteSpace();
        text.ShouldNotContain("probe failure with internal detail");
        text.ShouldNotContain("InvalidOperationException");
        text.ShouldNotContain(" at ");
    }
}
