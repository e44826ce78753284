using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Chain;
using Xylo.Api.Features.Auth;
using Xylo.Projections.Mints;

namespace Xylo.Api.Features.Contracts;

public sealed record ChainNonces(long? Local, long ChainLatest, long ChainPending);

public sealed record ChainPending(int Transactions, int Queued, int Deferred, double? OldestAgeSeconds);

public sealed record ChainStatus(
    string Signer,
    long LatestBlock,
    decimal Balance,
    string? RewardsContract,
    bool? RewardsPaused,
    string? VaultContract,
    ChainNonces Nonces,
    ChainPending Pending);

public static class ChainStatusEndpoint
{
    /// <summary>What an operator checks first when mints stall: the signer's funds, nonces on both sides, and what waits.</summary>
    [WolverineGet("/admin/chain"), Authorize(Policy = Policies.Admin)]
    public static async Task<ChainStatus> Get(IQuerySession session, ChainGateway chain, IConfiguration configuration, TimeProvider clock, CancellationToken cancellation)
    {
        var local = await session.LoadAsync<SignerNonce>(chain.Signer, cancellation);
        var unfinished = await session.Query<MintView>()
            .Where(m => m.Status.IsOneOf(MintView.Unfinished))
            .Select(m => new { m.Status, m.RequestedAt })
            .ToListAsync(cancellation);
        var now = clock.GetUtcNow();
        var vault = configuration[$"{ChainOptions.Section}:{nameof(ChainOptions.VaultContract)}"];

        return new ChainStatus(
            chain.Signer,
            await chain.LatestBlockAsync(),
            await chain.SignerBalanceAsync(),
            chain.IsConfigured ? chain.RewardsContract : null,
            chain.IsConfigured ? await chain.IsPausedAsync(chain.RewardsContract) : null,
            vault,
            new ChainNonces(local?.Next, await chain.TransactionCountAsync(pending: false), await chain.TransactionCountAsync(pending: true)),
            new ChainPending(
                unfinished.Count(m => m.Status is MintView.Signed or MintView.Broadcast),
                unfinished.Count(m => m.Status == MintView.Queued),
                unfinished.Count(m => m.Status == MintView.Deferred),
                unfinished.Count == 0 ? null : Math.Round((now - unfinished.Min(m => m.RequestedAt)).TotalSeconds, 1)));
    }
}
