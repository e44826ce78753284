using System.Net;
using System.Text.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xylo.Api.Features.Auth;

namespace Xylo.Api.Tests.Support;

public static class Identity
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<TokenResponse> DevSignInAsync(this IAlbaHost host, string? handle = null, params string[] roles)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new { handle = handle ?? $"fan-{Guid.NewGuid():N}", roles }).ToUrl("/auth/dev/sign-in");
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<TokenResponse>())!;
    }

    /// <summary>The caller's <c>GET /me</c>.</summary>
    public static async Task<JsonElement> ProfileAsync(this IAlbaHost host, TokenResponse user)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.WithBearer(user);
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadJsonAsync();
    }

    public static void WithBearer(this Scenario scenario, TokenResponse tokens) =>
        scenario.WithRequestHeader("Authorization", $"Bearer {tokens.AccessToken}");

    public static async Task<T> ReadJsonAsync<T>(this IScenarioResult result) =>
        JsonSerializer.Deserialize<T>(await result.ReadAsTextAsync(), Json)!;

    public static async Task<JsonElement> ReadJsonAsync(this IScenarioResult result) =>
        JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();

    /// <summary>How many events the store holds: "nothing written" is asserted on the log itself.</summary>
    public static async Task<long> EventCountAsync(this IAlbaHost host)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync();
    }

    public static IPAddress UniquePeer() => new(BitConverter.GetBytes(Random.Shared.Next()));
}
