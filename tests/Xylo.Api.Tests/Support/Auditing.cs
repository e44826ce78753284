using System.Text.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Points;

namespace Xylo.Api.Tests.Support;

public static class Auditing
{
    public static async Task<JsonElement> GetJsonAsync(this IAlbaHost host, string url, TokenResponse caller, int status = 200)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithBearer(caller);
            s.StatusCodeShouldBe(status);
        });
        return await result.ReadJsonAsync();
    }

    /// <summary>One admin award per amount, each its own command (so each is its own stream version).</summary>
    public static async Task AwardEachAsync(this IAlbaHost host, TokenResponse admin, Guid userId, params long[] amounts)
    {
        foreach (var amount in amounts)
        {
            await host.Scenario(s =>
            {
                s.Post.Json(new AwardRequest(userId, amount, "audit test", $"audit-{Guid.NewGuid():N}", null)).ToUrl("/points/awards");
                s.WithBearer(admin);
                s.StatusCodeShouldBeOk();
            });
        }
    }

    /// <summary>A stream's sequence numbers, straight from Marten.</summary>
    public static async Task<List<long>> StreamSequencesAsync(this IAlbaHost host, Guid streamId)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(streamId)).Select(e => e.Sequence).ToList();
    }

    /// <summary>Waits until the hash chain has caught up with the log.</summary>
    public static async Task<JsonElement> ChainCaughtUpAsync(this IAlbaHost host, TokenResponse auditor)
    {
        var report = await Eventually.Get(() => host.GetJsonAsync("/audit/integrity", auditor),
            r => r.GetProperty("unhashed").GetInt64() == 0, TimeSpan.FromSeconds(60));
        if (report.GetProperty("unhashed").GetInt64() != 0) throw new TimeoutException($"the hash chain did not catch up: {report}");
        return report;
    }
}
