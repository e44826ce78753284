using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Http;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Security;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Hardening;

/// <summary>
/// Every operation of the host's own OpenAPI document, fed what a careless or hostile client sends: each answer is a 4xx
/// problem without internals, and the event log holds nothing new. An endpoint added later is covered without editing this.
/// </summary>
[Collection(PointsCollection.Name)]
public sealed class BadInputSuiteTests(PointsFixture fixture)
{
    private static readonly string[] Internals = ["Exception", " at ", "Npgsql", "Marten", "Wolverine", "Xylo.", "System.", "mt_events", "StackTrace"];

    // A %00 in the path never reaches the application: the server refuses it while decoding the path (Kestrel answers 400).
    private sealed record Case(string Name, string Url, string? Body, string ContentType = "application/json", string? IdempotencyKey = null,
        string? Query = null);

    [Fact]
    public async Task Every_operation_answers_bad_input_with_a_4xx_problem_and_writes_nothing()
    {
        var callers = await CallersAsync();
        var document = (await (await fixture.Host.Scenario(s => s.Get.Url("/openapi/v1.json"))).ReadJsonAsync());
        var before = await fixture.Host.EventCountAsync();
        var failures = new List<string>();
        var (operations, cases) = (0, 0);

        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (path.Name.StartsWith("/probe/", StringComparison.Ordinal)) continue; // this assembly's own test endpoints
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = operation.Name.ToUpperInvariant();
                // An endpoint missing from the access table fails AccessTests; here it is still fed, by an admin.
                var access = AccessTests.Table.GetValueOrDefault($"{method} {path.Name}", AccessTests.Access.Admin);
                operations++;
                foreach (var @case in CasesFor(document, path.Name, operation.Value))
                {
                    cases++;
                    var result = await fixture.Host.Scenario(s =>
                    {
                        var target = method switch { "POST" => s.Post, "PUT" => s.Put, "DELETE" => s.Delete, _ => s.Get };
                        if (@case.Body is not null) target.Text(@case.Body).ToUrl(@case.Url);
                        else target.Url(@case.Url);
                        if (@case.Body is not null) s.WithRequestHeader("Content-Type", @case.ContentType);
                        if (@case.IdempotencyKey is not null) s.WithRequestHeader("Idempotency-Key", @case.IdempotencyKey);
                        if (@case.Query is { } query) s.ConfigureHttpContext(c => c.Request.QueryString = new QueryString(query));
                        callers(access)(s);
                        s.IgnoreStatusCode();
                    });
                    var status = result.Context.Response.StatusCode;
                    var text = await result.ReadAsTextAsync();
                    var name = $"{method} {path.Name} [{@case.Name}]";
                    if (status is < 400 or >= 500 or 401 or 403) failures.Add($"{name}: {status} {text[..Math.Min(200, text.Length)]}");
                    else if (!(result.Context.Response.ContentType ?? "").StartsWith("application/problem+json", StringComparison.Ordinal)) failures.Add($"{name}: {status} without a problem body");
                    else if (Internals.FirstOrDefault(text.Contains) is { } leak) failures.Add($"{name}: {status} tells '{leak}': {text[..Math.Min(300, text.Length)]}");
                }
            }
        }

        TestContext.Current.AddAttachment("bad-input-suite", $"{operations} operations, {cases} requests");
        failures.ShouldBeEmpty();
        operations.ShouldBeGreaterThan(40);
        (await fixture.Host.EventCountAsync()).ShouldBe(before, "a refused request wrote nothing");
    }

    private static IEnumerable<Case> CasesFor(JsonElement document, string template, JsonElement operation)
    {
        var parameters = template.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}').TrimStart('*')).ToList();
        string Url(Func<string, string> value) =>
            string.Join('/', template.Split('/').Select(s => s.StartsWith('{') ? value(s.Trim('{', '}')) : s));
        var url = Url(_ => Guid.NewGuid().ToString());

        foreach (var (name, bad) in new[] { ("path: not an id", "not-an-id"), ("path: control", "a%07b"), ("path: bidi", "a%E2%80%AEb"), ("path: 300 characters", new string('9', 300)), ("path: traversal", "..%2F..%2Fetc") })
        {
            if (parameters.Count > 0) yield return new Case(name, Url(_ => bad), HasBody(operation) ? "{}" : null);
        }

        yield return new Case("idempotency key: control character", url, HasBody(operation) ? "{}" : null, IdempotencyKey: "key\u0001x");
        yield return new Case("idempotency key: 300 characters", url, HasBody(operation) ? "{}" : null, IdempotencyKey: new string('k', 300));
        yield return new Case("query: NUL", url, HasBody(operation) ? "{}" : null, Query: "?after=%00&streamId=%00&period=%00");
        yield return new Case("query: bidi", url, HasBody(operation) ? "{}" : null, Query: "?after=%E2%80%AE1&streamId=%E2%80%AE&period=%E2%80%AE");
        // Every query value the document types (a number, a flag, an id, a time), each in a request of its own, as text that is none of them.
        foreach (var typed in TypedQueryParameters(document, operation))
        {
            yield return new Case($"query: {typed} not of its type", url, HasBody(operation) ? "{}" : null, Query: $"?{typed}=not-of-its-type");
        }

        if (!HasBody(operation)) yield break;

        var properties = Properties(document, operation);
        string Object(Func<string[], JsonNode?> value, Func<string[], bool> applies)
        {
            var body = new JsonObject();
            foreach (var (property, types) in properties.Where(p => applies(p.Value))) body[property] = value(types);
            return body.ToJsonString();
        }

        yield return new Case("null", url, "null");
        yield return new Case("empty array", url, "[]");
        yield return new Case("array of objects", url, "[{}, {}]");
        yield return new Case("a bare string", url, "\"text\"");
        yield return new Case("wrong types", url, Object(types => types.Contains("array") ? JsonValue.Create("text") : new JsonArray(new JsonObject { ["x"] = 1 }), _ => true));
        var numbers = properties.Where(p => p.Value.Contains("integer") || p.Value.Contains("number")).Select(p => p.Key).ToList();
        if (numbers.Count > 0)
        {
            yield return new Case("huge numbers", url, "{" + string.Join(",", numbers.Select(n => $"\"{n}\": 1e400")) + "}");
            yield return new Case("numbers past long", url, "{" + string.Join(",", numbers.Select(n => $"\"{n}\": 99999999999999999999999")) + "}");
            yield return new Case("fractional numbers", url, "{" + string.Join(",", numbers.Select(n => $"\"{n}\": 1.5")) + "}");
        }

        if (properties.Any(p => p.Value.Contains("string")))
        {
            foreach (var (name, text) in new[] { ("NUL", "a\u0000b"), ("control", "a\u0007b"), ("escape", "a\u001bb"), ("bidi override", "a\u202eb"), ("bidi isolate", "a\u2067b"), ("100 kB", new string('x', 100_000)) })
            {
                yield return new Case($"strings: {name}", url, Object(_ => JsonValue.Create(text), types => types.Contains("string")));
            }
        }

        yield return new Case("deep nesting", url, new string('[', 5_000) + new string(']', 5_000));
        yield return new Case("deep object nesting", url, string.Concat(Enumerable.Repeat("{\"a\":", 2_000)) + "1" + new string('}', 2_000));
        yield return new Case("wrong content type", url, "{}", "text/plain");
        yield return new Case("form content type", url, "a=1", "application/x-www-form-urlencoded");
        yield return new Case("oversized body", url, "{\"pad\": \"" + new string('x', (int)RequestBounds.AwardsBodyBytes + 1) + "\"}");
        yield return new Case("truncated JSON", url, "{\"a\": ");
    }

    private static bool HasBody(JsonElement operation) => operation.TryGetProperty("requestBody", out _);

    private static IEnumerable<string> TypedQueryParameters(JsonElement document, JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Select(p => Resolve(document, p))
                .Where(p => p.TryGetProperty("in", out var place) && place.GetString() == "query" && p.TryGetProperty("schema", out _))
                .Where(p => Types(document, p.GetProperty("schema")).Any(t => t is "integer" or "number" or "boolean") ||
                            (Resolve(document, p.GetProperty("schema")).TryGetProperty("format", out var format) && format.GetString() is "uuid" or "date-time"))
                .Select(p => p.GetProperty("name").GetString()!)
            : [];

    /// <summary>The request body's properties and their JSON types, $refs followed.</summary>
    private static Dictionary<string, string[]> Properties(JsonElement document, JsonElement operation)
    {
        var result = new Dictionary<string, string[]>();
        if (!operation.GetProperty("requestBody").TryGetProperty("content", out var content)) return result;
        var schema = content.EnumerateObject().FirstOrDefault().Value;
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("schema", out schema)) return result;
        schema = Resolve(document, schema);
        if (!schema.TryGetProperty("properties", out var properties)) return result;
        foreach (var property in properties.EnumerateObject()) result[property.Name] = Types(document, property.Value);
        return result;
    }

    private static string[] Types(JsonElement document, JsonElement schema)
    {
        schema = Resolve(document, schema);
        if (schema.TryGetProperty("type", out var type))
        {
            return type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
        }

        var members = new[] { "anyOf", "oneOf", "allOf" }.Where(k => schema.TryGetProperty(k, out _))
            .SelectMany(k => schema.GetProperty(k).EnumerateArray()).SelectMany(m => Types(document, m)).Distinct().ToArray();
        return members.Length > 0 ? members : ["object"];
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        for (var i = 0; i < 10 && schema.TryGetProperty("$ref", out var reference); i++)
        {
            var node = document;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/')) node = node.GetProperty(part);
            schema = node;
        }

        return schema;
    }

    /// <summary>Who sends each operation's requests: someone it admits, so the answer is about the input, not the caller.</summary>
    private async Task<Func<AccessTests.Access, Action<Scenario>>> CallersAsync()
    {
        var admin = await fixture.SignInWithXAsync(new FakeXUser("points-admin", "ops", "Ops"));
        var auditorAccount = FakeXUser.Random();
        var auditor = await fixture.SignInWithXAsync(auditorAccount);
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { role = "auditor" }).ToUrl($"/admin/users/{auditor.User.Id}/roles");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(204);
        });
        auditor = await fixture.SignInWithXAsync(auditorAccount);
        var signedIn = auditor;
        await Eventually.Get(async () => (await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/audit/integrity?from=1&to=1");
            s.WithBearer(signedIn);
            s.IgnoreStatusCode();
        })).Context.Response.StatusCode, status => status != 403, TimeSpan.FromSeconds(30));

        return access => access switch
        {
            AccessTests.Access.Auditor => s => s.WithBearer(signedIn),
            _ => s => s.WithBearer(admin),
        };
    }
}
