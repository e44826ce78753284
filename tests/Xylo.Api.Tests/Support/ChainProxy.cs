using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Xylo.Api.Tests.Support;

/// <summary>
/// A JSON-RPC pass-through in front of a test anvil that can drop what the network drops:
/// <c>eth_sendRawTransaction</c> calls (a broadcast that never arrives).
/// </summary>
public sealed class ChainProxy : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private WebApplication _app = null!;

    public string Url { get; private set; } = "";

    public volatile bool DropBroadcasts;

    private int _droppedBroadcasts;

    public int DroppedBroadcasts => Volatile.Read(ref _droppedBroadcasts);

    public static async Task<ChainProxy> StartAsync(string upstream)
    {
        var proxy = new ChainProxy();
        (proxy._app, proxy.Url) = await LoopbackServer.StartAsync(app => app.Run(context => proxy.ForwardAsync(context, upstream)), CancellationToken.None);
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context, string upstream)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        if (DropBroadcasts && IsBroadcast(body))
        {
            Interlocked.Increment(ref _droppedBroadcasts);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var response = await _http.PostAsync(new Uri(upstream), new StringContent(body, Encoding.UTF8, "application/json"));
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(await response.Content.ReadAsStringAsync());
    }

    private static bool IsBroadcast(string body) =>
        JsonNode.Parse(body) switch
        {
            JsonArray batch => batch.Any(call => call?["method"]?.GetValue<string>() == "eth_sendRawTransaction"),
            JsonObject call => call["method"]?.GetValue<string>() == "eth_sendRawTransaction",
            _ => false,
        };

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
