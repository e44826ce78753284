using System.Net;
using System.Text.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xylo.Api.Features.Auth;

namespace Xylo.Api.Tests.Support;

public static class Identity
{
    /// <summary>How long a helper waits for work the host does in the background (a bonus, queued messages).</summary>
    private static readonly TimeSpan BackgroundWork = TimeSpan.FromSeconds(60);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<TokenResponse> DevSignInAsync(this IAlbaHost host, string? handle = null, params string[] roles)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new { handle = handle ?? $"fan-{Guid.NewGuid():N}", roles }).ToUrl("/auth/dev/sign-in");
            s.StatusCodeShouldBeOk();
        });
        var tokens = (await result.ReadAsJsonAsync<TokenResponse>())!;
        await host.WaitForSignUpBonusAsync(tokens.User.Id);
        return tokens;
    }

    /// <summary>
    /// Registration fires the sign-up rule through the durable queue; tests that count events wait for it
    /// first, so the background award is not mistaken for something their request wrote.
    /// </summary>
    public static async Task WaitForSignUpBonusAsync(this IAlbaHost host, Guid userId)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var balance = await Eventually.Get(async () =>
        {
            await using var session = store.QuerySession();
            return await session.LoadAsync<Xylo.Domain.Points.PointsAccount>(userId);
        }, b => b is not null, BackgroundWork);
        if (balance is null) throw new TimeoutException($"the sign-up bonus of user {userId} was not awarded within {BackgroundWork.TotalSeconds} s");
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

    /// <summary>
    /// How many events the store holds: "nothing written" is asserted on the log itself. Messages still waiting in
    /// the durable inbox (a channel bonus queued by an earlier test's verification, say) are handled first, so what
    /// they append is not mistaken for something the request under test wrote.
    /// </summary>
    public static async Task<long> EventCountAsync(this IAlbaHost host)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var waiting = await Eventually.Get(async () =>
        {
            await using var query = store.QuerySession();
            var rows = await query.QueryAsync<long>(
                $"select count(*) from {store.Options.DatabaseSchemaName}.wolverine_incoming_envelopes where status = 'Incoming'");
            return rows[0];
        }, n => n == 0, BackgroundWork);
        if (waiting != 0) throw new TimeoutException($"{waiting} queued messages were still unhandled after {BackgroundWork.TotalSeconds} s");

        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync();
    }

    public static IPAddress UniquePeer() => new(BitConverter.GetBytes(Random.Shared.Next()));
}
