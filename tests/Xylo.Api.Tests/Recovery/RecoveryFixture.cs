using Alba;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xylo.Api.EventLog;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Points;
using Xylo.Api.Hosting;
using Xylo.Api.Recovery;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Recovery;

/// <summary>
/// A host on a database of its own with the archive on: activity up to T1 (read models digested there), more
/// activity, then everything archived. Tests restore, verify and view that history.
/// </summary>
public sealed class RecoveryFixture : IAsyncLifetime
{
    public string DatabaseUrl { get; private set; } = "";

    public string ArchiveDirectory { get; } = Path.Combine(Path.GetTempPath(), "xylo-archive-tests", Guid.NewGuid().ToString("N"));

    public IAlbaHost Host { get; private set; } = null!;

    public long T1 { get; private set; }

    public DateTimeOffset T1Timestamp { get; private set; }

    public string DigestAtT1 { get; private set; } = "";

    public string LiveDigest { get; private set; } = "";

    public long LastSequence { get; private set; }

    public IReadOnlyList<string> ReadModelTables { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        DatabaseUrl = await TestDatabases.CreateAsync("xylo_recovery");
        Host = await StartHostAsync(DatabaseUrl, ArchiveDirectory);
        ReadModelTables = ReadModels.Tables((DocumentStore)Host.Services.GetRequiredService<IDocumentStore>());

        var admin = await Host.DevSignInAsync($"admin-{Guid.NewGuid():N}", "admin");
        var fans = new List<TokenResponse>();
        for (var i = 0; i < 3; i++) fans.Add(await Host.DevSignInAsync());
        await ActivityAsync(admin, fans);
        (T1, DigestAtT1) = await SettleAsync();
        T1Timestamp = await TimestampOfAsync(T1);

        fans.Add(await Host.DevSignInAsync());
        await ActivityAsync(admin, fans);
        (LastSequence, LiveDigest) = await SettleAsync();
        await WaitUntilArchivedAsync(Host, LastSequence);
    }

    public static Task<IAlbaHost> StartHostAsync(string databaseUrl, string archiveDirectory, double segmentSeconds = 0.2, int segmentEvents = 10_000) =>
        XyloHost.StartAsync(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = databaseUrl,
            ["Archive:Enabled"] = "true",
            ["Archive:Directory"] = archiveDirectory,
            ["Archive:SegmentSeconds"] = segmentSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Archive:SegmentEvents"] = segmentEvents.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, environment: "Development");

    public static async Task WaitUntilArchivedAsync(IAlbaHost host, long sequence)
    {
        var writer = host.Services.GetRequiredService<ArchiveWriter>();
        var closed = await Eventually.Get(() => Task.FromResult(writer.ClosedTo), c => c >= sequence, TimeSpan.FromSeconds(60));
        if (closed < sequence) throw new TimeoutException($"the archive reached sequence {closed}, not {sequence}, within 60 s");
    }

    /// <summary>Sign-ins, check-ins, awards, a posted and a voided hold: inline and async views all move.</summary>
    private async Task ActivityAsync(TokenResponse admin, List<TokenResponse> fans)
    {
        foreach (var fan in fans)
        {
            await Host.Scenario(s =>
            {
                s.Post.Url("/me/checkins");
                s.WithBearer(fan);
                s.WithRequestHeader("Idempotency-Key", Guid.NewGuid().ToString());
                s.IgnoreStatusCode(); // once a day: the second round is refused, and writes nothing
            });
            await Host.Scenario(s =>
            {
                s.Post.Json(new AwardRequest(fan.User.Id, 40 + fans.IndexOf(fan), "recovery test", $"recovery-{Guid.NewGuid():N}", null)).ToUrl("/points/awards");
                s.WithBearer(admin);
                s.StatusCodeShouldBeOk();
            });
        }

        foreach (var (fan, action) in fans.Take(2).Zip(new[] { "post", "void" }))
        {
            var placed = await Host.Scenario(s =>
            {
                s.Post.Json(new PlaceHoldRequest(10, "recovery test", 60)).ToUrl($"/admin/points/{fan.User.Id}/holds");
                s.WithBearer(admin);
                s.StatusCodeShouldBe(201);
            });
            var hold = await placed.ReadJsonAsync<HoldPlaced>();
            await Host.Scenario(s =>
            {
                s.Post.Json(new VoidHoldRequest("recovery test")).ToUrl($"/admin/points/{fan.User.Id}/holds/{hold.HoldId}/{action}");
                s.WithBearer(admin);
                s.StatusCodeShouldBe(204);
            });
        }
    }

    private async Task<(long Sequence, string Digest)> SettleAsync()
    {
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        await store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(DatabaseUrl));
        var sequence = await new EventLogDatabase(database, CritterStackSetup.Schema).MaxSequenceAsync(CancellationToken.None);
        return (sequence, await DigestAsync(DatabaseUrl, CritterStackSetup.Schema));
    }

    public async Task<string> DigestAsync(string databaseUrl, string schema)
    {
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(databaseUrl));
        return (await ReadModelDigest.ComputeAsync(database, schema, ReadModelTables, CancellationToken.None)).Digest;
    }

    private async Task<DateTimeOffset> TimestampOfAsync(long sequence)
    {
        await using var database = NpgsqlDataSource.Create(TestDatabases.Npgsql(DatabaseUrl));
        return (await new EventLogDatabase(database, CritterStackSetup.Schema).ReadAsync(sequence - 1, sequence, 1, CancellationToken.None)).Single().Timestamp;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await TestDatabases.DropAsync(DatabaseUrl);
        if (Directory.Exists(ArchiveDirectory)) Directory.Delete(ArchiveDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class RecoveryCollection : ICollectionFixture<RecoveryFixture>
{
    public const string Name = "recovery";
}
