using System.Collections.Concurrent;
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

    private volatile TaskCompletionSource? _feeQuoteGate;
    private int _heldFeeQuotes;

    /// <summary>Fee quotes (<c>eth_maxPriorityFeePerGas</c>) held since <see cref="HoldFeeQuotes"/>: a signing batch waits between its dry runs and its commit.</summary>
    public int HeldFeeQuotes => Volatile.Read(ref _heldFeeQuotes);

    public void HoldFeeQuotes() => _feeQuoteGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseFeeQuotes() => Interlocked.Exchange(ref _feeQuoteGate, null)?.TrySetResult();

    private readonly ConcurrentDictionary<string, int> _unanswered = new(StringComparer.Ordinal);

    /// <summary>Calls of <paramref name="method"/> the node did not answer (it was down): proof that XYLO tried.</summary>
    public int Unanswered(string method) => _unanswered.GetValueOrDefault(method);

    /// <summary>
    /// Calls of <paramref name="method"/> (<c>eth_call</c>, <c>eth_estimateGas</c>) of the contract function whose 4-byte
    /// selector is <paramref name="selector"/> (hex, no 0x) that the node did not answer.
    /// </summary>
    public int Unanswered(string method, string selector) => _unanswered.GetValueOrDefault($"{method}:0x{selector.ToLowerInvariant()}");

    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    /// <summary>Calls of <paramref name="method"/> passed on so far (each call of a JSON-RPC batch counts).</summary>
    public int Calls(string method) => _calls.GetValueOrDefault(method);

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

        if (_feeQuoteGate is { } gate && Methods(body).Contains("eth_maxPriorityFeePerGas"))
        {
            Interlocked.Increment(ref _heldFeeQuotes);
            await gate.Task.WaitAsync(context.RequestAborted);
        }

        foreach (var method in Methods(body)) _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(new Uri(upstream), new StringContent(body, Encoding.UTF8, "application/json"));
        }
        catch (HttpRequestException)
        {
            foreach (var method in Methods(body).Concat(CalledFunctions(body))) _unanswered.AddOrUpdate(method, 1, (_, n) => n + 1);
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        using var _ = response;
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(await response.Content.ReadAsStringAsync());
    }

    private static bool IsBroadcast(string body) => Methods(body).Contains("eth_sendRawTransaction");

    private static IEnumerable<string> Methods(string body) =>
        (JsonNode.Parse(body) switch
        {
            JsonArray batch => batch.Select(call => call?["method"]?.GetValue<string>()),
            JsonObject call => [call["method"]?.GetValue<string>()],
            _ => [],
        }).OfType<string>();

    /// <summary>"method:0x12345678" for each call that carries a transaction's data (its function selector).</summary>
    private static IEnumerable<string> CalledFunctions(string body) =>
        (JsonNode.Parse(body) switch
        {
            JsonArray batch => batch.ToArray(),
            JsonObject call => [call],
            _ => [],
        }).Select(call => (Method: call?["method"]?.GetValue<string>(), Data: (call?["params"]?[0]?["data"] ?? call?["params"]?[0]?["input"])?.GetValue<string>()))
        .Where(c => c.Method is not null && c.Data is { Length: >= 10 })
        .Select(c => $"{c.Method}:{c.Data![..10].ToLowerInvariant()}");

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
