using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Xylo.Api.Recovery;

/// <summary>
/// One hash over every read model: each projected document table's rows ordered by id, id and JSON only
/// (mt_last_modified and friends say when a row was written, not what it says). Equal digests, equal views.
/// </summary>
public static class ReadModelDigest
{
    public static async Task<(string Digest, long Rows)> ComputeAsync(NpgsqlDataSource database, string schema, IReadOnlyList<string> tables,
        CancellationToken cancellation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long rows = 0;
        foreach (var table in tables)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"# {table}\n"));
            await using var exists = database.CreateCommand($"select to_regclass('{schema}.{table}') is not null");
            if (!(bool)(await exists.ExecuteScalarAsync(cancellation))!) continue;

            await using var command = database.CreateCommand($"select id::text, data::text from {schema}.{table} order by id");
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"{reader.GetString(0)}\t{reader.GetString(1)}\n"));
                rows++;
            }
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), rows);
    }
}
