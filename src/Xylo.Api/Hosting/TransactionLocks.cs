using Marten;
using Npgsql;

namespace Xylo.Api.Hosting;

/// <summary>
/// Transaction-scoped PostgreSQL advisory locks on a session's own transaction, released at commit or rollback.
/// Writers that lock more than one thing take them in one order: a reward before a user's points account.
/// </summary>
public static class TransactionLocks
{
    /// <summary>Mixed into a user's key, so a user's lock never shares a key with a reward's of the same id bits.</summary>
    public const long PointsAccountScope = 0x504F494E54530000; // "POINTS"

    public static Task TakeAsync(IDocumentSession session, long key, CancellationToken cancellation) => TakeAllAsync(session, [key], cancellation);

    /// <summary>Several locks in one statement, in ascending key order: two writers of overlapping sets never wait on each other in a cycle.</summary>
    public static Task TakeAllAsync(IDocumentSession session, IEnumerable<long> keys, CancellationToken cancellation) =>
        TakeInOrderAsync(session, keys.Distinct().Order().ToArray(), cancellation);

    /// <summary>Several locks in one statement (one round trip), taken one after the other in the order given.</summary>
    public static async Task TakeInOrderAsync(IDocumentSession session, long[] keys, CancellationToken cancellation)
    {
        await session.BeginTransactionAsync(cancellation);
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(k) from unnest($1::bigint[]) as k", (NpgsqlConnection)session.Connection!);
        command.Parameters.Add(new NpgsqlParameter { Value = keys });
        await command.ExecuteNonQueryAsync(cancellation);
    }

    public static long KeyOf(Guid id, long scope = 0)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]) ^ scope;
    }
}
