using Alba;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Points;

namespace Xylo.Api.Tests.Support;

public static class Points
{
    public static async Task<PointsSummary> BalanceAsync(this IAlbaHost host, TokenResponse user)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/me/points");
            s.WithBearer(user);
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadJsonAsync<PointsSummary>();
    }

    public static async Task<PointsHistoryPage> HistoryAsync(this IAlbaHost host, TokenResponse user, long? before = null, int? limit = null)
    {
        var query = new List<string>();
        if (before is { } b) query.Add($"before={b}");
        if (limit is { } l) query.Add($"limit={l}");
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/me/points/history" + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
            s.WithBearer(user);
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadJsonAsync<PointsHistoryPage>();
    }

    /// <summary>earned = available + held + spent + expired, read back through the API.</summary>
    public static void ShouldBalance(this PointsSummary balance)
    {
        balance.Available.ShouldBeGreaterThanOrEqualTo(0);
        balance.Earned.ShouldBe(balance.Available + balance.Held + balance.Spent + balance.Expired);
    }

    public static async Task<AwardResponse> AwardAsync(this IAlbaHost host, object request, string? idempotencyKey = null, int expected = 200)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(request).ToUrl("/points/awards");
            s.WithRequestHeader("X-Api-Key", PointsFixture.IntegrationKey);
            if (idempotencyKey is not null) s.WithRequestHeader("Idempotency-Key", idempotencyKey);
            s.StatusCodeShouldBe(expected);
        });
        return expected == 200 ? await result.ReadJsonAsync<AwardResponse>() : null!;
    }

}
