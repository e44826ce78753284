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

    private int _refused;

    /// <summary>Posts answered 503 while <see cref="Down"/>.</summary>
    public int Refused => Volatile.Read(ref _refused);

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
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var message = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
        Received.Enqueue((message.GetProperty("channel").GetString()!, message.GetProperty("text").GetString()!));
        await context.Response.WriteAsync("ok");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
