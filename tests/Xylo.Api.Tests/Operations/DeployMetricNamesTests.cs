using System.Text.Json;
using System.Text.RegularExpressions;
using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

/// <summary>
/// Every metric an alert rule or a dashboard panel queries is one the API really exports (scraped from a running host)
/// or an exporter's: a misspelt name makes an alert that can never fire and a panel that stays empty.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class DeployMetricNamesTests(AppFixture fixture)
{
    [Fact]
    public async Task Alert_rules_and_dashboard_query_only_exported_metrics()
    {
        var rules = File.ReadAllText(Repository.PathOf("deploy", "prometheus", "alerts.yml"));
        var recorded = RecordedName().Matches(rules).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var queries = RuleExpressions(rules).Select(e => ("alerts.yml", e))
            .Concat(DashboardExpressions(Repository.PathOf("deploy", "grafana", "dashboards", "xylo.json")).Select(e => ("xylo.json", e)))
            .ToList();
        queries.Count.ShouldBeGreaterThan(40, "the rules and the dashboard were not read");

        // Labelled families appear with their first series: one request and one 5xx give the HTTP metrics theirs. The
        // archive is off in test hosts (they share one database), so its gauges are created here rather than by its writer.
        await fixture.Host.Scenario(s => s.Get.Url("/health"));
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/probe/crash");
            s.StatusCodeShouldBe(500);
        });
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Xylo.Api.Recovery.ArchiveWriter).TypeHandle);
        var exported = ExportedNames(await ScrapeAsync());
        var unknown = queries
            .SelectMany(q => MetricNames(q.Item2).Select(name => (File: q.Item1, Name: name)))
            .Where(m => !recorded.Contains(m.Name) && !IsExporters(m.Name) && !exported.Contains(m.Name))
            .Select(m => $"{m.File}: {m.Name}")
            .Distinct()
            .ToList();

        unknown.ShouldBeEmpty($"queried but not exported by the API (exported: {string.Join(", ", exported.Where(n => n.StartsWith("xylo_", StringComparison.Ordinal)).Order())})");
    }

    [Fact]
    public void The_name_reader_finds_metrics_and_skips_functions_labels_and_numbers()
    {
        MetricNames("""min without (instance) (xylo_signer_balance{job="xylo-api", x=~"a|b"}) / 1e18 < 5 and on () up == 0""")
            .ShouldBe(["xylo_signer_balance", "up"], ignoreOrder: true);
        MetricNames("histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))")
            .ShouldBe(["http_request_duration_seconds_bucket"]);
        MetricNames("sum by (job) (pg_stat_activity_count) / on (job) group_left max by (job) (xylo:pg_connections:ratio)")
            .ShouldBe(["pg_stat_activity_count", "xylo:pg_connections:ratio"], ignoreOrder: true);
    }

    /// <summary>postgres-exporter (<c>pg_</c>), redis_exporter (<c>redis_</c> but not the API's <c>redis_cache_</c>) and Prometheus's <c>up</c>.</summary>
    private static bool IsExporters(string name) =>
        name == "up" || name.StartsWith("pg_", StringComparison.Ordinal)
        || (name.StartsWith("redis_", StringComparison.Ordinal) && !name.StartsWith("redis_cache_", StringComparison.Ordinal));

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan",
        // aggregation operators, which may be followed by a grouping clause instead of their parenthesis
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
    };

    public static IReadOnlyList<string> MetricNames(string expression)
    {
        var text = QuotedString().Replace(expression, "\"\"");
        text = LabelMatchers().Replace(text, " ");
        text = RangeSelector().Replace(text, " ");
        text = GroupingClause().Replace(text, "$1 ");
        text = NumberLiteral().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => !m.Groups[2].Success) // a function call
            .Select(m => m.Groups[1].Value)
            .Where(name => !Keywords.Contains(name))
            .Distinct()
            .ToList();
    }

    /// <summary>The <c>expr:</c> values of a rules file, inline or as a <c>|</c>/<c>&gt;</c> block.</summary>
    private static IEnumerable<string> RuleExpressions(string yaml)
    {
        var lines = yaml.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var match = ExprLine().Match(lines[i]);
            if (!match.Success) continue;
            var value = match.Groups[2].Value.Trim();
            if (value is not ("|" or ">" or "|-" or ">-"))
            {
                yield return value;
                continue;
            }

            var indent = match.Groups[1].Value.Length;
            var block = new List<string>();
            while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent))
                block.Add(lines[++i]);
            yield return string.Join('\n', block);
        }
    }

    private static IEnumerable<string> DashboardExpressions(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var found = new List<string>();
        Walk(document.RootElement);
        return found;

        void Walk(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String) found.Add(property.Value.GetString()!);
                    else Walk(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray()) Walk(item);
            }
        }
    }

    /// <summary>Names in an exposition: its <c># TYPE</c> families (with a histogram's series suffixes) and its samples.</summary>
    private static HashSet<string> ExportedNames(string exposition)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                names.Add(parts[2]);
                if (parts[3] is "histogram" or "summary")
                {
                    names.Add(parts[2] + "_sum");
                    names.Add(parts[2] + "_count");
                    if (parts[3] == "histogram") names.Add(parts[2] + "_bucket");
                }
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                names.Add(line[..line.IndexOfAny(['{', ' '])]);
            }
        }

        return names;
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

    [GeneratedRegex(@"^\s*-?\s*record:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex RecordedName();

    [GeneratedRegex(@"^(\s*)expr:\s*(.*)$")]
    private static partial Regex ExprLine();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex GroupingClause();

    [GeneratedRegex(@"(?<![A-Za-z0-9_:])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")]
    private static partial Regex NumberLiteral();

    [GeneratedRegex(@"([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?")]
    private static partial Regex Identifier();
}
