using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

/// <summary>
/// The schema as a deploy step: <c>./xylo db-patch</c> writes Marten's and Wolverine's own diff as SQL, <c>db-migrate</c>
/// applies each patch once and asserts, <c>db-assert</c> (the start gate) fails on a database that does not match.
/// </summary>
public sealed class SchemaPatchTests
{
    [Fact]
    public async Task A_patch_is_written_applied_once_and_asserted_and_an_edited_one_is_refused()
    {
        var database = await TestDatabases.CreateAsync("schema_patch");
        var patches = Path.Combine(Path.GetTempPath(), "xylo-tests", Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string> { ["DATABASE_URL"] = database };
        try
        {
            var (assertEmpty, assertEmptyOutput) = await XyloScript.RunAsync(environment, "db-assert", "--no-build");
            assertEmpty.ShouldNotBe(0, "an empty database does not match the code");
            assertEmptyOutput.ShouldContain("does not match the code");

            var (patchExit, patchOutput) = await XyloScript.RunAsync(environment, "db-patch", "initial", "--dir", patches, "--no-build");
            patchExit.ShouldBe(0, patchOutput);
            var files = Directory.GetFiles(patches).Select(Path.GetFileName).Order().ToList();
            files.Count(f => f!.EndsWith("-initial.marten.sql", StringComparison.Ordinal)).ShouldBe(1, patchOutput);
            files.Count(f => f!.EndsWith("-initial.wolverine.sql", StringComparison.Ordinal)).ShouldBe(1, patchOutput);
            files.Count(f => f!.EndsWith(".drop.sql", StringComparison.Ordinal)).ShouldBe(2, patchOutput);

            var (migrateExit, migrateOutput) = await XyloScript.RunAsync(environment, "db-migrate", "--dir", patches, "--no-build");
            migrateExit.ShouldBe(0, migrateOutput);
            migrateOutput.ShouldContain("2 patch(es) applied");
            migrateOutput.ShouldContain("the schema matches the code");

            var (againExit, againOutput) = await XyloScript.RunAsync(environment, "db-migrate", "--dir", patches, "--no-build");
            againExit.ShouldBe(0, againOutput);
            againOutput.ShouldContain("0 patch(es) applied");

            var (nothingExit, nothingOutput) = await XyloScript.RunAsync(environment, "db-patch", "nothing", "--dir", patches, "--no-build");
            nothingExit.ShouldBe(0, nothingOutput);
            nothingOutput.ShouldContain("no patch written");

            var marten = Directory.GetFiles(patches, "*-initial.marten.sql").Single();
            await File.AppendAllTextAsync(marten, "\n-- edited after review\n", TestContext.Current.CancellationToken);
            var (editedExit, editedOutput) = await XyloScript.RunAsync(environment, "db-migrate", "--dir", patches, "--no-build");
            editedExit.ShouldNotBe(0);
            editedOutput.ShouldContain("was changed after it was applied");
        }
        finally
        {
            await TestDatabases.DropAsync(database);
            if (Directory.Exists(patches)) Directory.Delete(patches, recursive: true);
        }
    }
}
