using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

/// <summary>
/// Outside Development the API runs only the committed Wolverine code (TypeLoadMode.Static): code that no longer matches the
/// endpoints and handlers would run old code or fail at start, so it fails here first.
/// </summary>
public sealed class GeneratedCodeTests
{
    [Fact]
    public async Task The_committed_generated_code_is_what_codegen_writes_for_the_current_endpoints_and_handlers()
    {
        var committed = Path.Combine(Repository.Root(), "src", "Xylo.Api", "Internal", "Generated");
        var fresh = Path.Combine(Path.GetTempPath(), "xylo-tests", "codegen", Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output) = await XyloCli.RunAsync(new Dictionary<string, string> { ["CodeGeneration__OutputPath"] = fresh }, "codegen", "write");
            exitCode.ShouldBe(0, output);

            var differences = Differences(committed, fresh);
            differences.ShouldBeEmpty(
                $"src/Xylo.Api/Internal/Generated is stale: run ./xylo codegen and commit the result. Differences:{Environment.NewLine}"
                + string.Join(Environment.NewLine, differences));
        }
        finally
        {
            if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        }
    }

    private static List<string> Differences(string committed, string fresh)
    {
        var expected = Files(fresh);
        var actual = Files(committed);
        var differences = new List<string>();
        differences.AddRange(expected.Keys.Except(actual.Keys).Order(StringComparer.Ordinal).Select(file => $"missing: {file}"));
        differences.AddRange(actual.Keys.Except(expected.Keys).Order(StringComparer.Ordinal).Select(file => $"no longer generated: {file}"));
        differences.AddRange(expected.Keys.Intersect(actual.Keys).Where(file => expected[file] != actual[file])
            .Order(StringComparer.Ordinal).Select(file => $"changed: {file}"));
        return differences;
    }

    private static Dictionary<string, string> Files(string directory) => Directory.Exists(directory)
        ? Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).ToDictionary(
            file => Path.GetRelativePath(directory, file).Replace('\\', '/'),
            file => File.ReadAllText(file).ReplaceLineEndings("\n"),
            StringComparer.Ordinal)
        : [];
}
