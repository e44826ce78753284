using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Xylo.Benchmarks;

internal sealed record SeededLog(long Events, int Users, long Streams, long FirstSequence, long LastSequence, double Seconds)
{
    public double EventsPerSecond => Events / Math.Max(Seconds, 1e-6);
}

/// <summary>
/// A realistic log for the rebuild and restore scenarios, written by binary COPY straight into Marten's tables
/// with rows shaped exactly as the API writes them (checked against a dev sign-in, an award and a hold):
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

    private sealed record Row(Guid Stream, long Version, string Type, string DotnetType, object Data, string Correlation, string? Causation, string? UserName);

    public static async Task<SeededLog> SeedAsync(BenchOptions options, long events, string label, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        await using var db = new NpgsqlConnection(options.Npgsql);
        await db.OpenAsync(cancellation);
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
            var sequences = await ReserveAsync(db, rows.Count, cancellation);
            if (first == 0) first = sequences[0];
            last = sequences[^1];

            var at = new DateTimeOffset[rows.Count];
            for (var i = 0; i < rows.Count; i++) at[i] = origin.AddTicks((long)((done + i) * span));
            var streamRows = rows.Select((row, i) => (row, i)).GroupBy(x => x.row.Stream)
                .Select(g => (Id: g.Key, Type: g.First().row.Type == "external_login_claimed" ? "external_login" : "user",
                    Version: g.Max(x => x.row.Version), Created: at[g.Min(x => x.i)], Updated: at[g.Max(x => x.i)]))
                .ToList();
            streams += streamRows.Count;

            await CopyAsync(db,
                streamRows.Select(s => new StreamCopy(s.Id, s.Type, s.Version, s.Updated, s.Created)),
                rows.Select((row, i) => new EventCopy(sequences[i], row.Stream, row.Version, JsonSerializer.Serialize(Stamp(row.Data, at[i])), row.Type, at[i],
                    row.DotnetType, row.Correlation, row.Causation, row.UserName)),
                cancellation);

            done += rows.Count;
            users += batchUsers;
            if (done % 100_000 < rows.Count || done == events) Console.WriteLine($"bench: {label}: {done:N0} events copied");
        }

        await AnalyzeAsync(db, cancellation);
        return new SeededLog(done, users, streams, first, last, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A row of xylo.mt_streams as Marten writes it.</summary>
    internal sealed record StreamCopy(Guid Id, string Type, long Version, DateTimeOffset Updated, DateTimeOffset Created);

    /// <summary>A row of xylo.mt_events as Marten writes it (with its metadata columns); the sequence comes from <see cref="ReserveAsync"/>.</summary>
    internal sealed record EventCopy(long Sequence, Guid Stream, long Version, string Data, string Type, DateTimeOffset At, string DotnetType,
        string Correlation, string? Causation, string? UserName);

    /// <summary>One batch by binary COPY: the streams, then their events.</summary>
    internal static async Task CopyAsync(NpgsqlConnection db, IEnumerable<StreamCopy> streams, IEnumerable<EventCopy> events, CancellationToken cancellation)
    {
        await using (var copy = await db.BeginBinaryImportAsync(
            "copy xylo.mt_streams (id, type, version, timestamp, created) from stdin (format binary)", cancellation))
        {
            foreach (var s in streams)
            {
                await copy.StartRowAsync(cancellation);
                await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid, cancellation);
                await copy.WriteAsync(s.Type, NpgsqlDbType.Varchar, cancellation);
                await copy.WriteAsync(s.Version, NpgsqlDbType.Bigint, cancellation);
                await copy.WriteAsync(s.Updated, NpgsqlDbType.TimestampTz, cancellation);
                await copy.WriteAsync(s.Created, NpgsqlDbType.TimestampTz, cancellation);
            }

            await copy.CompleteAsync(cancellation);
        }

        await using (var copy = await db.BeginBinaryImportAsync(
            "copy xylo.mt_events (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type, correlation_id, causation_id, user_name, headers) " +
            "from stdin (format binary)", cancellation))
        {
            foreach (var e in events)
            {
                await copy.StartRowAsync(cancellation);
                await copy.WriteAsync(e.Sequence, NpgsqlDbType.Bigint, cancellation);
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, cancellation);
                await copy.WriteAsync(e.Stream, NpgsqlDbType.Uuid, cancellation);
                await copy.WriteAsync(e.Version, NpgsqlDbType.Bigint, cancellation);
                await copy.WriteAsync(e.Data, NpgsqlDbType.Jsonb, cancellation);
                await copy.WriteAsync(e.Type, NpgsqlDbType.Varchar, cancellation);
                await copy.WriteAsync(e.At, NpgsqlDbType.TimestampTz, cancellation);
                await copy.WriteAsync(e.DotnetType, NpgsqlDbType.Varchar, cancellation);
                await copy.WriteAsync(e.Correlation, NpgsqlDbType.Varchar, cancellation);
                if (e.Causation is null) await copy.WriteNullAsync(cancellation);
                else await copy.WriteAsync(e.Causation, NpgsqlDbType.Varchar, cancellation);
                if (e.UserName is null) await copy.WriteNullAsync(cancellation);
                else await copy.WriteAsync(e.UserName, NpgsqlDbType.Varchar, cancellation);
                await copy.WriteAsync("null", NpgsqlDbType.Jsonb, cancellation);
            }

            await copy.CompleteAsync(cancellation);
        }
    }

    /// <summary>Fresh planner statistics after a bulk load, so the measured queries get the plans they would in production.</summary>
    internal static async Task AnalyzeAsync(NpgsqlConnection db, CancellationToken cancellation)
    {
        await using var analyze = new NpgsqlCommand("analyze xylo.mt_events; analyze xylo.mt_streams", db);
        await analyze.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>Sequence numbers for <paramref name="count"/> events, taken from Marten's own sequence.</summary>
    internal static async Task<List<long>> ReserveAsync(NpgsqlConnection db, int count, CancellationToken cancellation)
    {
        var sequences = new List<long>(count);
        await using var reserve = new NpgsqlCommand("select nextval('xylo.mt_events_sequence') from generate_series(1, $1)", db);
        reserve.Parameters.Add(new NpgsqlParameter { Value = count });
        await using var reader = await reserve.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) sequences.Add(reader.GetInt64(0));
        return sequences;
    }

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
            new(login, 1, "external_login_claimed", "Xylo.Domain.Users.ExternalLoginClaimed, Xylo.Domain",
                (Func<DateTimeOffset, object>)(at => new { UserId = user, LoginId = login, Subject = handle, Provider = "dev", ClaimedAt = at }), signIn, null, null),
            new(user, 1, "user_registered", "Xylo.Domain.Users.UserRegistered, Xylo.Domain",
                (Func<DateTimeOffset, object>)(at => new { Handle = handle, UserId = user, Provider = "dev", RegisteredAt = at }), signIn, null, null),
            new(user, 2, "points_earned", Earned,
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
            rows.Add(new(user, version++, "points_earned", Earned, (Func<DateTimeOffset, object>)(at => new { Rule = "admin-award", LotId = lot, Amount = 30L,
                Reason = "bench", Source = $"award:seed-{user:N}-{r}a", UserId = user, EarnedAt = at, AwardedBy = Key, ExpiresAt = (DateTimeOffset?)null }), Hex(), null, Key));
            rows.Add(new(user, version++, "points_earned", Earned, (Func<DateTimeOffset, object>)(at => new { Rule = "admin-award", LotId = small, Amount = 10L,
                Reason = "bench", Source = $"award:seed-{user:N}-{r}b", UserId = user, EarnedAt = at, AwardedBy = Key, ExpiresAt = (DateTimeOffset?)null }), Hex(), null, Key));
            rows.Add(new(user, version++, "points_reserved", "Xylo.Domain.Points.PointsReserved, Xylo.Domain", (Func<DateTimeOffset, object>)(at => new { Amount = 20L,
                HoldId = spent, UserId = user, Purpose = "reward", ExpiresAt = at.AddMinutes(15), ReservedAt = at,
                Allocations = new[] { new { LotId = lot, Amount = 20L } } }), Hex(), null, Key));
            rows.Add(new(user, version++, "points_spent", "Xylo.Domain.Points.PointsSpent, Xylo.Domain",
                (Func<DateTimeOffset, object>)(at => new { Amount = 20L, HoldId = spent, UserId = user, SpentAt = at }), Hex(), null, Key));
            rows.Add(new(user, version++, "points_reserved", "Xylo.Domain.Points.PointsReserved, Xylo.Domain", (Func<DateTimeOffset, object>)(at => new { Amount = 10L,
                HoldId = voided, UserId = user, Purpose = "reward", ExpiresAt = at.AddMinutes(15), ReservedAt = at,
                Allocations = new[] { new { LotId = lot, Amount = 10L } } }), Hex(), null, Key));
            rows.Add(new(user, version++, "points_released", "Xylo.Domain.Points.PointsReleased, Xylo.Domain",
                (Func<DateTimeOffset, object>)(at => new { Amount = 10L, HoldId = voided, Reason = "cancelled", UserId = user, ReleasedAt = at }), Hex(), null, Key));
        }

        return rows;
    }

    private const string Earned = "Xylo.Domain.Points.PointsEarned, Xylo.Domain";
}
