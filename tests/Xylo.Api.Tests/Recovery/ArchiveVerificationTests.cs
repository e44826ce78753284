using Npgsql;
using Shouldly;
using Xylo.Api.Hosting;
using Xylo.Api.Recovery;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Recovery;

[Collection(RecoveryCollection.Name)]
public sealed class ArchiveVerificationTests(RecoveryFixture fixture)
{
    [Fact]
    public async Task Verify_passes_the_archive_and_names_a_corrupted_or_missing_segment()
    {
        var (code, output) = await XyloCli.RunAsync("recovery", "verify", "--archive", fixture.ArchiveDirectory);
        code.ShouldBe(0, output);
        output.ShouldContain("OK");

        var manifest = await new FileSystemArchiveStore(fixture.ArchiveDirectory).ReadManifestAsync(CancellationToken.None);
        manifest.Count.ShouldBeGreaterThan(1, "activity over more than one segment period");
        manifest.Sum(s => s.Events).ShouldBeGreaterThanOrEqualTo((int)(fixture.LastSequence * 0.9));

        var corrupted = CopyArchive();
        var victim = Path.Combine(corrupted, manifest[1].Name);
        var bytes = await File.ReadAllBytesAsync(victim, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0x5a;
        await File.WriteAllBytesAsync(victim, bytes, TestContext.Current.CancellationToken);
        (code, output) = await XyloCli.RunAsync("recovery", "verify", "--archive", corrupted);
        code.ShouldNotBe(0, output);
        output.ShouldContain($"FAILED at segment {manifest[1].Name}");

        var missing = CopyArchive();
        File.Delete(Path.Combine(missing, manifest[^1].Name));
        (code, output) = await XyloCli.RunAsync("recovery", "verify", "--archive", missing);
        code.ShouldNotBe(0, output);
        output.ShouldContain($"FAILED at segment {manifest[^1].Name}");
    }

    [Fact]
    public async Task A_restore_that_meets_a_corrupt_segment_fails_keeping_no_event_and_a_retry_restores_everything()
    {
        var manifest = await new FileSystemArchiveStore(fixture.ArchiveDirectory).ReadManifestAsync(CancellationToken.None);
        var corrupted = CopyArchive();
        var victim = Path.Combine(corrupted, manifest[1].Name);
        var bytes = await File.ReadAllBytesAsync(victim, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0x5a;
        await File.WriteAllBytesAsync(victim, bytes, TestContext.Current.CancellationToken);

        var target = await TestDatabases.CreateAsync("xylo_restore_corrupt");
        try
        {
            // The first segment's events are already in the COPY when the second one fails its check.
            var (code, output) = await XyloCli.RunAsync("recovery", "restore", "--archive", corrupted, "--database-url", target);
            code.ShouldNotBe(0, output);
            output.ShouldContain($"FAILED at segment {manifest[1].Name}");
            await using (var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(target)))
            await using (var events = database.CreateCommand($"select count(*) from {CritterStackSetup.Schema}.mt_events"))
            {
                ((long)(await events.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).ShouldBe(0, "the abandoned import keeps nothing");
            }

            (code, output) = await XyloCli.RunAsync("recovery", "restore", "--archive", fixture.ArchiveDirectory, "--database-url", target);
            code.ShouldBe(0, output);
            (await fixture.DigestAsync(target, CritterStackSetup.Schema)).ShouldBe(fixture.LiveDigest, output);
        }
        finally
        {
            await TestDatabases.DropAsync(target);
        }
    }

    private string CopyArchive()
    {
        var copy = Path.Combine(Path.GetTempPath(), "xylo-archive-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(fixture.ArchiveDirectory)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }
}
