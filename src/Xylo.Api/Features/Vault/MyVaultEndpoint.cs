using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Vault;
using Xylo.Projections.Users;
using Xylo.Projections.Vault;

namespace Xylo.Api.Features.Vault;

/// <summary>A deposit or withdrawal as the fan sees it; <paramref name="Points"/> is what the deposit credited, if anything.</summary>
public sealed record VaultActivity(string Kind, string Status, string TxHash, long LogIndex, long BlockNumber, string Token, string Amount, int Decimals,
    DateTimeOffset ObservedAt, DateTimeOffset? ReorgedAt, long? Points)
{
    public static VaultActivity From(VaultLog log) => new(log.Kind.ToString(), log.Status.ToString(), log.TxHash, log.LogIndex, log.BlockNumber,
        log.Token, log.Amount, log.Decimals, log.ObservedAt, log.ReorgedAt, log.Credit is { Reversed: false } credit ? credit.Points : null);
}

public sealed record MyVault(string? Wallet, IReadOnlyList<VaultTokenTotal> Balances, IReadOnlyList<VaultActivity> Activity, int Page, int PageSize,
    bool HasMore, IReadOnlyList<PendingVaultLog> Pending);

public static class MyVaultEndpoint
{
    public const int MaxPageSize = 200;

    /// <summary>The linked wallet's balances per token, its deposits and withdrawals newest first (paged), and its logs not yet safe.</summary>
    [WolverineGet("/me/vault"), Authorize]
    public static async Task<IResult> Get(ClaimsPrincipal principal, IQuerySession session, int? page, int? pageSize, CancellationToken cancellation)
    {
        if (page is < 1) return Problems.Invalid("page", "must be 1 or more");
        if (pageSize is < 1 or > MaxPageSize) return Problems.Invalid("pageSize", $"must be between 1 and {MaxPageSize}");
        var (number, size) = (page ?? 1, pageSize ?? 50);

        var profile = await session.LoadAsync<UserProfile>(principal.Id(), cancellation);
        if (profile?.Wallet is not { } linked) return Results.Ok(new MyVault(null, [], [], number, size, false, []));

        var wallet = linked.ToLowerInvariant();
        var batch = session.CreateBatchQuery();
        var position = batch.Load<VaultPosition>(wallet);
        var state = batch.Load<VaultIndexerState>(VaultIndexerState.Key);
        var logs = batch.Query<VaultLog>().Where(l => l.Wallet == wallet)
            .OrderByDescending(l => l.BlockNumber).ThenByDescending(l => l.LogIndex)
            .Skip((number - 1) * size).Take(size + 1).ToList();
        await batch.Execute(cancellation);

        var activity = (await logs).Select(VaultActivity.From).ToList();
        return Results.Ok(new MyVault(linked, (await position)?.Tokens ?? [], activity.Take(size).ToList(), number, size, activity.Count > size,
            (await state)?.Pending.Where(p => p.Wallet == wallet).ToList() ?? []));
    }
}
