using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Xylo.Api.Tests.Support;

/// <summary>
/// The YouTube Data API v3 channels.list on a real loopback port: the wire shape, the key check and the error
/// bodies are Google's, so the client meets in tests what it meets in production.
/// </summary>
public sealed class FakeYouTube : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConcurrentDictionary<string, Channel> _channels = new(StringComparer.Ordinal);
    private readonly Lock _failureLock = new();
    private (int Remaining, int Status, TimeSpan? RetryAfter)? _failure;
    private int _requestCount;
    private WebApplication? _app;

    private FakeYouTube(string apiKey) => ApiKey = apiKey;

    public string ApiKey { get; }

    /// <summary><c>http://127.0.0.1:{port}/youtube/v3/</c>, the value for <c>YouTube:BaseUrl</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request to channels, failed ones included.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>How long each request waits before it is answered; for timeouts.</summary>
    public TimeSpan Latency { get; set; }

    public static async Task<FakeYouTube> StartAsync(string apiKey = "fake-youtube-api-key", CancellationToken cancellationToken = default)
    {
        var fake = new FakeYouTube(apiKey);
        var (app, address) = await LoopbackServer.StartAsync(
            app => app.MapGet("/youtube/v3/channels", fake.ChannelsAsync), cancellationToken);
        fake._app = app;
        fake.BaseUrl = $"{address}/youtube/v3/";
        return fake;
    }

    /// <param name="hideSubscriberCount">The owner hid the count: hiddenSubscriberCount is true, and the count is still sent, so a client must look at the flag.</param>
    public void AddChannel(string id, string title, string description, long subscribers, bool hideSubscriberCount = false, string? customUrl = null) =>
        _channels[id] = new Channel(id, title, description, subscribers, hideSubscriberCount, customUrl);

    /// <summary>Every request fails with <paramref name="status"/> (and Google's body for it) until <see cref="Recover"/>.</summary>
    public void FailWith(int status, TimeSpan? retryAfter = null) => SetFailure((int.MaxValue, status, retryAfter));

    /// <summary>The next <paramref name="count"/> requests fail with <paramref name="status"/>, then it answers again.</summary>
    public void FailNext(int count, int status, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        SetFailure((count, status, retryAfter));
    }

    public void Recover() => SetFailure(null);

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void SetFailure((int Remaining, int Status, TimeSpan? RetryAfter)? failure)
    {
        lock (_failureLock) _failure = failure;
    }

    private (int Status, TimeSpan? RetryAfter)? TakeFailure()
    {
        lock (_failureLock)
        {
            if (_failure is not { } failure) return null;
            _failure = failure.Remaining switch
            {
                int.MaxValue => failure,
                1 => null,
                _ => failure with { Remaining = failure.Remaining - 1 },
            };
            return (failure.Status, failure.RetryAfter);
        }
    }

    private async Task<IResult> ChannelsAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _requestCount);
        if (Latency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Latency, request.HttpContext.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty; // the client gave up
            }
        }

        if (TakeFailure() is var (status, retryAfter))
        {
            if (retryAfter is { } wait)
            {
                request.HttpContext.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            return Failure(status);
        }

        var query = request.Query;
        if (query["key"].ToString() is not { Length: > 0 } key)
        {
            return Error(403, "The request is missing a valid API key.", "forbidden", "global", "PERMISSION_DENIED");
        }

        if (!string.Equals(key, ApiKey, StringComparison.Ordinal))
        {
            return Error(400, "API key not valid. Please pass a valid API key.", "badRequest", "global", "INVALID_ARGUMENT", "API_KEY_INVALID");
        }

        var parts = query["part"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return Error(400, "Required parameter: part", "required", "global", "INVALID_ARGUMENT");
        if (!parts.Contains("snippet") || !parts.Contains("statistics"))
        {
            // The real API would answer without the missing parts; the fake insists, so a client that forgets one fails loudly.
            return Error(400, "The fake needs part=snippet,statistics", "invalidPart", "youtube.part", "INVALID_ARGUMENT");
        }

        if (query["id"].ToString() is not { Length: > 0 } ids)
        {
            return Error(400, "No filter selected. Expected one of: forHandle, forUsername, id, managedByMe, mine",
                "missingRequiredParameter", "youtube.parameter", "INVALID_ARGUMENT");
        }

        var items = ids.Split(',', StringSplitOptions.TrimEntries)
            .Select(id => _channels.GetValueOrDefault(id))
            .OfType<Channel>()
            .Select(Resource)
            .ToList();
        return Results.Json(new
        {
            kind = "youtube#channelListResponse",
            etag = Etag(ids),
            pageInfo = new { totalResults = items.Count, resultsPerPage = 5 },
            items = items.Count == 0 ? null : items, // the real API leaves items out when nothing matched
        }, Json);
    }

    private static object Resource(Channel channel) => new
    {
        kind = "youtube#channel",
        etag = Etag(channel.Id),
        id = channel.Id,
        snippet = new
        {
            title = channel.Title,
            description = channel.Description,
            customUrl = channel.CustomUrl,
            publishedAt = "2016-04-01T12:00:00Z",
            thumbnails = new Dictionary<string, object>
            {
                ["default"] = new { url = $"https://yt3.ggpht.example/{channel.Id}=s88", width = 88, height = 88 },
            },
            localized = new { title = channel.Title, description = channel.Description },
        },
        statistics = new
        {
            // Strings, as in the real API.
            viewCount = (channel.Subscribers * 40).ToString(CultureInfo.InvariantCulture),
            subscriberCount = channel.Subscribers.ToString(CultureInfo.InvariantCulture),
            hiddenSubscriberCount = channel.HideSubscriberCount,
            videoCount = "12",
        },
    };

    private static IResult Failure(int status) => status switch
    {
        403 => Error(403, "The request cannot be completed because you have exceeded your quota.", "quotaExceeded", "youtube.quota", null),
        429 => Error(429, "Resource has been exhausted (e.g. check quota).", "rateLimitExceeded", "global", "RESOURCE_EXHAUSTED"),
        503 => Error(503, "The service is currently unavailable.", "backendError", "global", "UNAVAILABLE"),
        _ => Error(status, "Backend Error", "backendError", "global", "INTERNAL"),
    };

    private static IResult Error(int code, string message, string reason, string domain, string? status, string? errorInfoReason = null) =>
        Results.Json(new
        {
            error = new
            {
                code,
                message,
                errors = new[] { new { message, domain, reason } },
                status,
                details = errorInfoReason is null
                    ? null
                    : new[]
                    {
                        new Dictionary<string, object>
                        {
                            ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
                            ["reason"] = errorInfoReason,
                            ["domain"] = "googleapis.com",
                            ["metadata"] = new { service = "youtube.googleapis.com" },
                        },
                    },
            },
        }, Json, statusCode: code);

    private static string Etag(string seed) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..27];

    private sealed record Channel(string Id, string Title, string Description, long Subscribers, bool HideSubscriberCount, string? CustomUrl);
}
