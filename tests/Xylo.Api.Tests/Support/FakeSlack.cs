using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Xylo.Api.Tests.Support;

/// <summary>An incoming-webhook stand-in on loopback that records what XYLO posts (or refuses it, when Slack is "down").</summary>
public sealed class FakeSlack : IAsyncDisposable
{
    private WebApplication _app = null!;

    public string WebhookUrl { get; private set; } = "";

    public ConcurrentQueue<(string Channel, string Text)> Received { get; } = new();

    public volatile bool Down;

    public static async Task<FakeSlack> StartAsync()
    {
        var slack = new FakeSlack();
        (slack._app, var address) = await LoopbackServer.StartAsync(app => app.Run(slack.HandleAsync), CancellationToken.None);
        slack.WebhookUrl = address + "/services/T000/B000/test";
        return slack;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Down)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var message = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
        Received.Enqueue((message.GetProperty("channel").GetString()!, message.GetProperty("text").GetString()!));
        await context.Response.WriteAsync("ok");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
