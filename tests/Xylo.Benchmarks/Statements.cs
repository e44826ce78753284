using Npgsql;

namespace Xylo.Benchmarks;

internal sealed record Statement(string Query, long Calls, double TotalMs, double MeanMs, double CallsPerCommand, double ShareOfDbTime);

/// <summary>pg_stat_statements around a measured pass: where PostgreSQL's time goes, and round trips per command.</summary>
internal static class Statements
{
    public static async Task ResetAsync(BenchOptions options, CancellationToken cancellation)
    {
        try
        {
            await using var db = new NpgsqlConnection(options.Npgsql);
            await db.OpenAsync(cancellation);
            await new NpgsqlCommand("select pg_stat_statements_reset()", db).ExecuteNonQueryAsync(cancellation);
        }
        catch (PostgresException e)
        {
            Console.WriteLine($"bench: pg_stat_statements not available ({e.MessageText})");
        }
    }

    /// <summary>
    /// The statements since the last reset in <paramref name="database"/> (the bench database unless named), per unit
    /// (<paramref name="per"/>: a command, an event…) of the pass named <paramref name="pass"/>; null when the extension is missing.
    /// </summary>
    /// <summary>What <see cref="ReportAsync"/> found; serialized into the JSON as it is.</summary>
    public sealed record Report(string Over, string Per, long Commands, long Statements, double StatementsPerCommand,
        double ExecutorSecondsPerWallSecond, IReadOnlyList<Statement> Top)
    {
        /// <summary>The statements run at least once per ten commands, most frequent first.</summary>
        public string Summary => string.Join("; ", Top.Where(t => t.CallsPerCommand >= 0.1).OrderByDescending(t => t.CallsPerCommand)
            .Select(t => $"{t.CallsPerCommand:F2} {Verb(t.Query)}"));

        private static string Verb(string query)
        {
            var words = query.ReplaceLineEndings(" ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var table = words.SkipWhile(w => w is not ("into" or "from" or "update")).Skip(1).FirstOrDefault();
            var head = words.Length > 1 && words[0] == "select" && words[1].Contains('(', StringComparison.Ordinal) ? words[1][..words[1].IndexOf('(', StringComparison.Ordinal)] : words.FirstOrDefault() ?? "";
            return table is null || head.Contains('.', StringComparison.Ordinal) ? head : $"{head} {table.Replace("xylo.", "", StringComparison.Ordinal)}";
        }
    }

    public static async Task<Report?> ReportAsync(BenchOptions options, string pass, long commands, double wallSeconds, CancellationToken cancellation,
        string per = "command", string? database = null)
    {
        try
        {
            await using var db = new NpgsqlConnection(options.Npgsql);
            await db.OpenAsync(cancellation);
            var all = new List<(string Query, long Calls, double TotalMs, double MeanMs)>();
            await using (var cmd = new NpgsqlCommand("""
                select query, calls, total_exec_time, mean_exec_time from pg_stat_statements
                 where dbid = (select oid from pg_database where datname = coalesce($1, current_database()))
                 order by total_exec_time desc
                """, db) { Parameters = { new NpgsqlParameter { Value = (object?)database ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text } } })
            await using (var reader = await cmd.ExecuteReaderAsync(cancellation))
            {
                while (await reader.ReadAsync(cancellation)) all.Add((reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3)));
            }

            var totalMs = all.Sum(s => s.TotalMs);
            var calls = all.Sum(s => s.Calls);
            // The ten costliest, and every statement that runs at least once per twenty commands: what a command costs in round trips.
            var top = all.Where((s, rank) => rank < 10 || (double)s.Calls / Math.Max(1, commands) >= 0.05).Select(s => new Statement(
                s.Query.Length > 160 ? s.Query[..160] + "…" : s.Query, s.Calls, Math.Round(s.TotalMs), Math.Round(s.MeanMs, 3),
                Math.Round((double)s.Calls / Math.Max(1, commands), 2), Math.Round(s.TotalMs / Math.Max(1, totalMs), 3))).ToList();
            Console.WriteLine($"bench: pg_stat_statements over {pass}: {calls:N0} statements for {commands:N0} {per}s ({(double)calls / Math.Max(1, commands):F1} per {per}), executor time {totalMs / 1000 / wallSeconds:F2} s per wall second");
            foreach (var t in top)
            {
                Console.WriteLine($"  {t.ShareOfDbTime,6:P1}  {t.CallsPerCommand,5:F2}/{per}  {t.MeanMs,7:F3} ms  {t.Query.ReplaceLineEndings(" ")}");
            }

            return new Report(pass, per, commands, calls, (double)calls / Math.Max(1, commands), totalMs / 1000 / wallSeconds, top);
        }
        catch (PostgresException e)
        {
            Console.WriteLine($"bench: pg_stat_statements not available ({e.MessageText})");
            return null;
        }
    }
}
