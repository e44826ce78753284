using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.OpenApi;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Documentation;

/// <summary>
/// A Development host (so the dev sign-in, the reference page's way to a token, is documented and in the client) serving the
/// API's own operations only: the probe endpoints of this test assembly are left out of its document.
/// </summary>
public sealed class DocumentedHostFixture : IAsyncLifetime
{
    public const string IntegrationKey = "doc-tests-integration-key";

    public IAlbaHost Host { get; private set; } = null!;

    public JsonObject Document { get; private set; } = null!;

    public string Text { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Host = await XyloHost.StartAsync(
            new Dictionary<string, string?> { [ApiKeyAuthenticationHandler.KeysSetting] = IntegrationKey },
            environment: "Development",
            configureServices: services => services.PostConfigure<OpenApiOptions>(OpenApiSetup.DocumentName, options =>
            {
                var include = options.ShouldInclude;
                options.ShouldInclude = description => include(description) && description.RelativePath?.StartsWith("probe/") != true;
            }));
        var result = await Host.Scenario(s => s.Get.Url("/openapi/v1.json"));
        Text = await result.ReadAsTextAsync();
        Document = JsonNode.Parse(Text)!.AsObject();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

public sealed class OpenApiDocumentTests(DocumentedHostFixture fixture) : IClassFixture<DocumentedHostFixture>
{
    /// <summary>The document checked in beside the generated client; <c>./xylo client</c> rewrites it.</summary>
    public static readonly string CheckedIn = Repository.PathOf("docs", "openapi", "v1.json");

    private IEnumerable<(string Route, string Method, JsonObject Operation)> Operations() =>
        from path in fixture.Document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        select (path.Key, method.Key.ToUpperInvariant(), method.Value!.AsObject());

    [Fact]
    public void The_document_says_XYLO_and_groups_operations_by_business_area()
    {
        fixture.Document["info"]!["title"]!.GetValue<string>().ShouldBe("XYLO API");
        fixture.Document["info"]!["description"]!.GetValue<string>().ShouldContain("Bearer");
        var tags = fixture.Document["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
        tags.ShouldBe(ApiAreas.All.Select(a => a.Name).ToList());
        fixture.Document["tags"]!.AsArray().ShouldAllBe(t => t!["description"]!.GetValue<string>().Length > 20);
    }

    [Fact]
    public void Every_operation_has_an_entry_with_area_summary_description_id_and_examples()
    {
        var missing = new List<string>();
        foreach (var (route, method, operation) in Operations())
        {
            if (!ApiOperations.ByRoute.ContainsKey($"{method} {route}"))
            {
                missing.Add($"{method} {route}");
                continue;
            }

            operation["tags"]!.AsArray().Count.ShouldBe(1, $"{method} {route}");
            ApiAreas.All.Select(a => a.Name).ShouldContain(operation["tags"]![0]!.GetValue<string>());
            operation["summary"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
            operation["description"]!.GetValue<string>().Length.ShouldBeGreaterThan(10, $"{method} {route}");
            operation["operationId"]!.GetValue<string>().ShouldMatch("^[a-z][A-Za-z]+$");
            if (operation["requestBody"]?["content"]?["application/json"] is { } body)
            {
                body["example"].ShouldNotBeNull($"{method} {route} has a request body without an example in ApiOperations");
            }

            operation["responses"]!.AsObject().Select(r => r.Key).ShouldContain(key => key.StartsWith('2') || key.StartsWith('3'), $"{method} {route}");
            operation["responses"]!.AsObject().ShouldContain(r => r.Key == "429");
        }

        missing.ShouldBeEmpty("operations without an entry in src/Xylo.Api/Operations/OpenApi/ApiOperations.cs");
        Operations().Select(o => o.Operation["operationId"]!.GetValue<string>()).ShouldBeUnique();
    }

    /// <summary>
    /// The document's security is checked against what each endpoint enforces: an anonymous call to an operation that
    /// declares a scheme is a 401, and one to an operation that declares none is not; an integration key is let through
    /// exactly where <c>apiKey</c> is declared.
    /// </summary>
    [Fact]
    public async Task Declared_security_is_what_each_endpoint_enforces()
    {
        var wrong = new List<string>();
        foreach (var (route, method, operation) in Operations())
        {
            var schemes = operation["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).ToHashSet() ?? [];
            var anonymous = await StatusOf(method, route, null);
            if (schemes.Count > 0 != (anonymous == 401)) wrong.Add($"{method} {route}: declares [{string.Join(", ", schemes)}], anonymous call answered {anonymous}");
            if (schemes.Count == 0) continue;

            var withKey = await StatusOf(method, route, DocumentedHostFixture.IntegrationKey);
            if (schemes.Contains(OpenApiSetup.ApiKeyScheme) == withKey is 401 or 403)
            {
                wrong.Add($"{method} {route}: declares [{string.Join(", ", schemes)}], a call with X-Api-Key answered {withKey}");
            }
        }

        wrong.ShouldBeEmpty();
    }

    [Fact]
    public void Every_property_of_every_schema_has_a_type_unless_it_is_raw_json()
    {
        // A converter the schema exporter does not know (every request string passes one) turns a property into "{}":
        // any JSON, which a generated client can only take as an untyped node.
        var untyped = new List<string>();
        foreach (var (name, schema) in fixture.Document["components"]!["schemas"]!.AsObject()) Walk(name, schema);
        untyped.ShouldBeEmpty();

        void Walk(string at, JsonNode? node)
        {
            if (node is not JsonObject schema) return;
            foreach (var (property, value) in schema["properties"]?.AsObject() ?? [])
            {
                var inner = value!.AsObject();
                if (inner.Count == 0 && !RawJson.Contains(property)) untyped.Add($"{at}.{property}");
                Walk($"{at}.{property}", inner);
            }

            Walk($"{at}[]", schema["items"]);
            Walk($"{at}{{}}", schema["additionalProperties"]);
        }
    }

    /// <summary>Properties that are JSON of any shape by design: an event's data and headers as stored in the log.</summary>
    private static readonly HashSet<string> RawJson = ["data", "headers", "state"];

    [Fact]
    public async Task The_checked_in_document_is_the_served_one()
    {
        var served = fixture.Text.ReplaceLineEndings("\n").TrimEnd() + "\n";
        if (Environment.GetEnvironmentVariable("XYLO_UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CheckedIn)!);
            await File.WriteAllTextAsync(CheckedIn, served, TestContext.Current.CancellationToken);
        }

        File.Exists(CheckedIn).ShouldBeTrue($"{CheckedIn} is missing: run ./xylo client");
        (await File.ReadAllTextAsync(CheckedIn, TestContext.Current.CancellationToken)).ShouldBe(served,
            "docs/openapi/v1.json is stale: run ./xylo client (it rewrites the document and regenerates the client) and commit both");
    }

    private async Task<int> StatusOf(string method, string route, string? apiKey)
    {
        var url = System.Text.RegularExpressions.Regex.Replace(route, "{[^}]+}", Guid.NewGuid().ToString());
        var result = await fixture.Host.Scenario(s =>
        {
            switch (method)
            {
                case "GET": s.Get.Url(url); break;
                case "DELETE": s.Delete.Url(url); break;
                case "PUT": s.Put.Json(new { }).ToUrl(url); break;
                default: s.Post.Json(new { }).ToUrl(url); break;
            }

            if (apiKey is not null) s.WithRequestHeader(ApiKeyAuthenticationHandler.HeaderName, apiKey);
            s.IgnoreStatusCode();
        });
        return result.Context.Response.StatusCode;
    }
}
