using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Xylo.Api.EventLog;
using Xylo.Api.Hosting;

namespace Xylo.Benchmarks;

internal sealed record SeededLog(long Events, int Users, long Streams, long FirstSequence, long LastSequence, double Seconds)
{
    public double EventsPerSecond => Events / Math.Max(Seconds, 1e-6);
}

/// <summary>
/// A realistic log for the rebuild and restore scenarios, written by the event log's own binary COPY
/// (<see cref="EventLogImporter.AppendAsync"/>) with rows shaped exactly as the API writes them (checked against a dev sign-in, an award and a hold):
/// per user an <c>external_login</c> stream (one claim) and a <c>user</c> stream that also carries the points
/// ledger: registered, the sign-up bonus, then three rounds of two awards, a hold that is spent and one that
/// is voided. Every event is consistent with the aggregates' Apply rules, so the inline snapshots rebuild
/// without refusals. Users of a batch are interleaved in sequence order; timestamps spread over 30 days.
/// </summary>
internal static class EventLogSeeder
{
    /// <summary>1 login event + 20 user-stream events.</summary>
    public const int EventsPerUser = 21;

    private const int UsersPerBatch = 5_000;

    /// <summary>Marten's tenant when none is given: what its own appends store.</summary>
    private const string DefaultTenant = "*DEFAULT*";

    private sealed record Row(Guid Stream, string StreamType, long Version, string Type, string DotnetType, object Data, string Correlation, string? Causation,
        string? UserName);

    public static async Task<SeededLog> SeedAsync(BenchOptions options, long events, string label, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        await using var database = Database(options);
        var log = new EventLogImporter(database, CritterStackSetup.Schema);
        var origin = DateTimeOffset.UtcNow.AddDays(-30);
        var span = TimeSpan.FromDays(30).Ticks / (double)Math.Max(1, events);
        long done = 0, first = 0, last = 0, streams = 0;
        var users = 0;
        while (done < events)
        {
            var batchUsers = (int)Math.Min(UsersPerBatch, (events - done + EventsPerUser - 1) / EventsPerUser);
            var perUser = Enumerable.Range(0, batchUsers).Select(_ => UserEvents(Guid.CreateVersion7(), Guid.CreateVersion7())).ToList();
            // Interleaved: round r takes event r of every user of the batch, cut at the requested total.
            var rows = new List<Row>(batchUsers * EventsPerUser);
            for (var r = 0; r < EventsPerUser; r++)
            {
                foreach (var u in perUser) rows.Add(u[r]);
            }

            rows = rows.Take((int)Math.Min(rows.Count, events - done)).ToList();
            streams += rows.Select(row => row.Stream).Distinct().Count();

            await log.AppendAsync(rows.Count, sequences =>
            {
                if (first == 0) first = sequences[0];
                last = sequences[^1];
                return rows.Select((row, i) =>
                {
                    var at = origin.AddTicks((long)((done + i) * span));
                    return Stored(sequences[i], row.Stream, row.StreamType, row.Version, row.Type, row.DotnetType, JsonSerializer.Serialize(Stamp(row.Data, at)), at,
                        row.Correlation, row.Causation, row.UserName);
                }).ToList();
            }, cancellation);

            done += rows.Count;
            users += batchUsers;
            if (done % 100_000 < rows.Count || done == events) Console.WriteLine($"bench: {label}: {done:N0} events copied");
        }

        await log.AnalyzeAsync(cancellation);
        return new SeededLog(done, users, streams, first, last, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A pool of the seeder's own (the API runs as another process), for the event log's writer.</summary>
    internal static NpgsqlDataSource Database(BenchOptions options) =>
        XyloDatabase.Create(options.DatabaseUrl, new DatabaseOptions { MaxPoolSize = 2, ApplicationName = "xylo-bench-seeder" });

    /// <summary>An event as the API stores it (with its metadata columns); the sequence comes from <see cref="EventLogImporter.AppendAsync"/>.</summary>
    internal static StoredEvent Stored(long sequence, Guid stream, string streamType, long version, string type, string dotnetType, string data,
        DateTimeOffset at, string correlation, string? causation, string? userName) =>
        new(sequence, Guid.CreateVersion7(), stream, streamType, version, type, dotnetType, data, at, DefaultTenant, correlation, causation, "null",
            userName, IsArchived: false);

    /// <summary>The event's own time fields take the row's timestamp (a placeholder until the sequence is known).</summary>
    private static object Stamp(object data, DateTimeOffset at) => data is Func<DateTimeOffset, object> f ? f(at) : data;

    private static List<Row> UserEvents(Guid user, Guid login)
    {
        const string Key = "integration-key-1";
        static string Hex() => Guid.NewGuid().ToString("N");
        var signIn = Hex();
        var handle = "seed" + user.ToString("N")[..12];
        var signupLot = Guid.CreateVersion7();
        var rows = new List<Row>(EventsPerUser)
        {
            new(login, "external_login", 1, "external_login_claimed", "Xylo.Domain.Users.ExternalLoginClaimed, Xylo.Domain",
                (Func<DateTimeOffset, object>)(at => new { UserId = user, LoginId = login, Subject = handle, Provider = "dev", ClaimedAt = at }), signIn, null, null),
            new(user, "user", 1, "user_registered", "Xylo.Domain.Users.UserRegistered, Xylo.Domain",
                (Func<DateTimeOffset, object>)(at => new { Handle = handle, UserId = user, Provider = "dev", RegisteredAt = at }), signIn, null, null),
            new(user, "user", 2, "points_earned", Earned,
                (Func<DateTimeOffset, object>)(at => new { Rule = "signup", LotId = signupLot, Amount = 100L, Reason = "welcome bonus", Source = $"signup:{user}",
                    UserId = user, EarnedAt = at, AwardedBy = (string?)null, ExpiresAt = (DateTimeOffset?)at.AddYears(1) }), signIn, Guid.NewGuid().ToString(), null),
        };
        var version = 3L;
        for (var round = 0; round < 3; round++)
        {
            var lot = Guid.CreateVersion7();
            var small = Guid.CreateVersion7();
            var spent = Guid.CreateVersion7();
            var voided = Guid.CreateVersion7();
            var r = round;
            rows.Add(new(user, "user", version++, "points_earned", Earned, (Func<DateTimeOffset, object>)(at => new { Rule = "admin-award", LotId = lot, Amount = 30L,
                Reason = "bench", Source = $"award:seed-{user:N}-{r}a", UserId = user, EarnedAt = at, AwardedBy = Key, ExpiresAt = (DateTimeOffset?)null }), Hex(), null, Key));
            rows.Add(new(user, "user", version++, "points_earned", Earned, (Func<DateTimeOffset, object>)(at => new { Rule = "admin-award", LotId = small, Amount = 10L,
                Reason = "bench", Source = $"award:seed-{user:N}-{r}b", UserId = user, EarnedAt = at, AwardedBy = Key, ExpiresAt = (DateTimeOffset?)null }), Hex(), null, Key));
            rows.Add(new(user, "user", version++, "points_reserved", "Xylo.Domain.Points.PointsReserved, Xylo.Domain", (Func<DateTimeOffset, object>)(at => new { Amount = 20L,
                HoldId = spent, UserId = user, Purpose = "reward", ExpiresAt = at.AddMinutes(15), ReservedAt = at,
                Allocations = new[] { new { LotId = lot, Amount = 20L } } }), Hex(), null, Key));
            rows.Add(new(user, "user", version++, "points_spent", "Xylo.Domain.Points.PointsSpent, Xylo.Domain",
                (Func<DateTimeOffset, object>)(at => new { Amount = 20L, HoldId = spent, UserId = user, SpentAt = at }), Hex(), null, Key));
            rows.Add(new(user, "user", version++, "points_reserved", "Xylo.Domain.Points.PointsReserved, Xylo.Domain", (Func<DateTimeOffset, object>)(at => new { Amount = 10L,
                HoldId = voided, UserId = user, Purpose = "reward", ExpiresAt = at.AddMinutes(15), ReservedAt = at,
                Allocations = new[] { new { LotId = lot, Amount = 10L } } }), Hex(), null, Key));
            rows.Add(new(user, "user", version++, "points_released", "Xylo.Domain.Points.PointsReleased, Xylo.Domain",
                (Func<DateTimeOffset, object>)(at => new { Amount = 10L, HoldId = voided, Reason = "cancelled", UserId = user, ReleasedAt = at }), Hex(), null, Key));
        }

        return rows;
    }

    private const string Earned = "Xylo.Domain.Points.PointsEarned, Xylo.Domain";
}
