using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Chain;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Projections.Vault;

namespace Xylo.Api.Features.Vault;

public sealed record AdminVault(string? Contract, IReadOnlyList<VaultTokenTotal> Totals, long? Cursor, string? CursorHash, long? SafeHead, long? LatestHead,
    long? LagBlocks, VaultReorgSeen? LastReorg, long Reorgs, int Pending, DateTimeOffset? PolledAt, string? LastError, long? RescanFrom);

public sealed record RescanRequest(long? FromBlock);

public sealed record RescanAccepted(long FromBlock);

public static class AdminVaultEndpoints
{
    [WolverineGet("/admin/vault"), Authorize(Policy = Policies.Admin)]
    public static async Task<AdminVault> Get(IQuerySession session, ChainGateway chain, CancellationToken cancellation)
    {
        var batch = session.CreateBatchQuery();
        var totals = batch.Load<VaultPosition>(VaultPosition.AllWallets);
        var loadState = batch.Load<VaultIndexerState>(VaultIndexerState.Key);
        var rescan = batch.Load<VaultRescan>(VaultIndexerState.Key);
        await batch.Execute(cancellation);
        var state = await loadState;
        return new AdminVault(chain.IsVaultConfigured ? chain.VaultContract : null, (await totals)?.Tokens ?? [], state?.Cursor, state?.CursorHash,
            state?.SafeHead, state?.LatestHead, state?.LagBlocks, state?.LastReorg, state?.Reorgs ?? 0, state?.Pending.Count ?? 0, state?.PolledAt,
            state?.LastError, (await rescan)?.FromBlock);
    }

    /// <summary>
    /// Reads the chain again from <c>fromBlock</c> on the indexer's next poll. Every log is its own stream, so what was indexed
    /// before appends nothing: a rescan only fills what is missing. Asking again before it ran keeps the lower block.
    /// </summary>
    [WolverinePost("/admin/vault/rescan"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Rescan(RescanRequest request, ClaimsPrincipal admin, IDocumentSession session, ChainGateway chain, TimeProvider clock,
        CancellationToken cancellation)
    {
        if (!chain.IsVaultConfigured) return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: "Chain:VaultContract is not configured: nothing to rescan");
        if (request.FromBlock is not { } from) return Problems.Invalid("fromBlock", "is required");
        if (from < chain.DeploymentBlock) return Problems.Invalid("fromBlock", $"must be at or after the deployment block {chain.DeploymentBlock}");

        var state = await session.LoadAsync<VaultIndexerState>(VaultIndexerState.Key, cancellation);
        if (state?.LatestHead is { } latest && from > latest) return Problems.Invalid("fromBlock", $"must not be above the latest block {latest}");

        var pending = await session.LoadAsync<VaultRescan>(VaultIndexerState.Key, cancellation);
        var effective = Math.Min(from, pending?.FromBlock ?? from);
        session.Store(new VaultRescan(VaultIndexerState.Key, effective, admin.Id().ToString(), clock.GetUtcNow()));
        return Results.Accepted("/admin/vault", new RescanAccepted(effective));
    }
}
