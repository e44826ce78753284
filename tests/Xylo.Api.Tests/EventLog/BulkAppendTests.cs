using Marten;
using Shouldly;
using Xylo.Api.EventLog;
using Xylo.Api.Hosting;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.EventLog;

/// <summary>The benchmarks' seeding path: new streams written by COPY beside Marten's own appends.</summary>
public sealed class BulkAppendTests
{
    [Fact]
    public async Task Appended_events_read_back_as_stored_and_continue_as_marten_streams()
    {
        var databaseUrl = await TestDatabases.CreateAsync("xylo_bulk_append");
        try
        {
            await using var database = XyloDatabase.Create(databaseUrl, new DatabaseOptions());
            await using var store = new DocumentStore(new StoreOptions().ConfigureXyloStore(database));
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var importer = new EventLogImporter(database, CritterStackSetup.Schema);
            var log = new EventLogDatabase(database, CritterStackSetup.Schema);

            // Microseconds: PostgreSQL's precision. Data as PostgreSQL prints jsonb.
            var at = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
            Guid first = Guid.CreateVersion7(), second = Guid.CreateVersion7();
            StoredEvent[] events = [];
            await importer.AppendAsync(3, sequences =>
            {
                sequences.ShouldBe(new long[] { 1, 2, 3 });
                return events =
                [
                    Event(sequences[0], first, 1, at, "{\"n\": 1}", headers: "null"),
                    Event(sequences[1], second, 1, at.AddSeconds(1), "{\"n\": 2}", headers: null),
                    Event(sequences[2], first, 2, at.AddSeconds(2), "{\"n\": 3}", headers: "{\"k\": \"v\"}"),
                ];
            }, CancellationToken.None);

            (await log.ReadAsync(0, long.MaxValue, 10, CancellationToken.None)).ShouldBe(events);
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchStreamStateAsync(first, TestContext.Current.CancellationToken);
            stream.ShouldNotBeNull();
            stream.Version.ShouldBe(2);
            stream.Created.ShouldBe(at);
            stream.LastTimestamp.ShouldBe(at.AddSeconds(2));
            // Marten's next append takes the sequence after the reserved ones.
            session.Events.StartStream(Guid.CreateVersion7(), new Probe(4));
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
            (await log.MaxSequenceAsync(CancellationToken.None)).ShouldBe(4);
        }
        finally
        {
            await TestDatabases.DropAsync(databaseUrl);
        }
    }

    private sealed record Probe(int N);

    private static StoredEvent Event(long sequence, Guid stream, long version, DateTimeOffset at, string data, string? headers) =>
        new(sequence, Guid.CreateVersion7(), stream, "user", version, "bulk_appended", "Bulk.Appended, Bulk", data, at, "*DEFAULT*",
            "correlation", null, headers, "tester", IsArchived: false);
}
