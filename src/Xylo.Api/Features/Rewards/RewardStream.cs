using JasperFx.Events;
using Marten;
using Npgsql;
using Xylo.Domain.Rewards;

namespace Xylo.Api.Features.Rewards;

/// <summary>
/// Opens a reward's stream for a supply change under a transaction-scoped advisory lock, so concurrent
/// buyers of one reward wait their turn and then read the committed version, instead of failing with 409.
/// (Marten's FetchForExclusiveWriting still let concurrent appends conflict here.)
/// </summary>
public static class RewardStream
{
    public static async Task<IEventStream<Reward>> OpenLockedAsync(IDocumentSession session, Guid rewardId, CancellationToken cancellation)
    {
        await session.BeginTransactionAsync(cancellation);
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock($1)", (NpgsqlConnection)session.Connection!);
        command.Parameters.Add(new NpgsqlParameter { Value = LockKey(rewardId) });
        await command.ExecuteNonQueryAsync(cancellation);
        return await session.Events.FetchForWriting<Reward>(rewardId, cancellation);
    }

    private static long LockKey(Guid rewardId)
    {
        Span<byte> bytes = stackalloc byte[16];
        rewardId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }
}
