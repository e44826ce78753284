using System.Numerics;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Web3;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Mints;
using Xylo.Projections.Mints;
using Xylo.Projections.Rewards;

namespace Xylo.Api.Tests.Support;

public static class Mints
{
    public static async Task<RewardView> CreateRewardAsync(this IAlbaHost host, TokenResponse admin, long cost, int? supply = null, string? uri = null)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new
            {
                name = $"Reward {Guid.NewGuid():N}"[..20],
                description = "a test reward",
                metadataUri = uri ?? $"ipfs://bafy{Guid.NewGuid():N}/metadata.json",
                cost,
                supply,
            }).ToUrl("/admin/rewards");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(201);
        });
        return await result.ReadJsonAsync<RewardView>();
    }

    public static async Task<MintAccepted> RequestMintAsync(this IAlbaHost host, TokenResponse user, Guid rewardId, string? idempotencyKey = null)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new { rewardId }).ToUrl("/me/mints");
            s.WithBearer(user);
            if (idempotencyKey is not null) s.WithRequestHeader("Idempotency-Key", idempotencyKey);
            s.StatusCodeShouldBe(202);
        });
        return await result.ReadJsonAsync<MintAccepted>();
    }

    public static async Task<T> GetJsonAsync<T>(this IAlbaHost host, string url, TokenResponse? user = null)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            if (user is not null) s.WithBearer(user);
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadJsonAsync<T>();
    }

    public static async Task<MintView?> MintAsync(this IAlbaHost host, Guid mintId)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.LoadAsync<MintView>(mintId);
    }

    /// <summary>Waits (bounded) until the mint reaches <paramref name="status"/>; fails naming where it stopped.</summary>
    public static async Task<MintView> WaitForMintAsync(this IAlbaHost host, Guid mintId, string status, int seconds = 30)
    {
        var mint = await Eventually.Get(() => host.MintAsync(mintId), m => m?.Status == status, TimeSpan.FromSeconds(seconds));
        if (mint?.Status != status)
        {
            throw new TimeoutException($"mint {mintId} is {mint?.Status ?? "missing"} ({mint?.Reason}), not {status}, after {seconds} s");
        }

        return mint;
    }

    public static async Task<long> TokenIdForRequestAsync(this IWeb3 web3, string contract, string requestId) =>
        (long)await web3.QueryAsync<TokenIdForRequestFunction, BigInteger>(contract, new TokenIdForRequestFunction { RequestId = requestId.HexToByteArray() });

    public static async Task<int> MintLogsForRequestAsync(this IWeb3 web3, string contract, string requestId) =>
        (await web3.Eth.Filters.GetLogs.SendRequestAsync(Xylo.Api.Chain.ChainGateway.MintLogFilter(contract, requestId, 0))).Length;
}
