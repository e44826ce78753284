using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.External.YouTube;

/// <summary>
/// Reads channels from the YouTube Data API v3. Retries and timeouts come from the resilience handler
/// <see cref="YouTubeSetup.AddYouTubeClient"/> puts in front of it; whatever still fails is <see cref="YouTubeChannelLookup.Unavailable"/>.
/// </summary>
public sealed partial class YouTubeClient(HttpClient http, IOptions<YouTubeOptions> options, ILogger<YouTubeClient> logger)
{
    public async Task<YouTubeChannelLookup> GetChannelAsync(string channelId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channelId);
        if (options.Value.ApiKey is not { Length: > 0 } key)
        {
            LogNoKey(logger, channelId);
            return new YouTubeChannelLookup.Unavailable($"{XyloSecrets.YouTubeApiKey} is not set");
        }

        // The key rides in the query string, as Google asks: this URL must never reach a log line or an exception message.
        var request = new Uri(
            $"channels?part=snippet,statistics&id={Uri.EscapeDataString(channelId)}&key={Uri.EscapeDataString(key)}",
            UriKind.Relative);
        try
        {
            using var response = await http.GetAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? await ReadChannelAsync(response, channelId, cancellationToken)
                : await ReadRefusalAsync(response, channelId, cancellationToken);
        }
        catch (Exception failure) when (IsYouTubesFault(failure, cancellationToken))
        {
            var reason = failure switch
            {
                TimeoutRejectedException or OperationCanceledException => "YouTube did not answer in time",
                BrokenCircuitException => "YouTube failed too often lately; lookups are paused",
                ExecutionRejectedException => "too many YouTube lookups at once",
                JsonException => "YouTube's answer could not be read",
                // Socket errors name the host and port at most, never the query string.
                _ => $"YouTube is unreachable ({failure.GetType().Name}: {failure.Message})",
            };
            LogUnavailable(logger, channelId, reason);
            return new YouTubeChannelLookup.Unavailable(reason, (failure as BrokenCircuitException)?.RetryAfter);
        }
    }

    // Polly's timeouts, open circuit and shed load are ExecutionRejectedException; a cancellation the caller did not ask for is a timeout too.
    private static bool IsYouTubesFault(Exception failure, CancellationToken cancellationToken) =>
        failure is HttpRequestException or ExecutionRejectedException or JsonException
        || (failure is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private async Task<YouTubeChannelLookup> ReadChannelAsync(HttpResponseMessage response, string channelId, CancellationToken cancellationToken)
    {
        var list = await response.Content.ReadFromJsonAsync<ChannelListResponse>(JsonSerializerOptions.Web, cancellationToken)
            ?? throw new JsonException("YouTube answered 200 with an empty body");

        // id= takes a comma-separated list: answer only for the channel that was asked about.
        var channel = list.Items?.FirstOrDefault(item => string.Equals(item.Id, channelId, StringComparison.Ordinal));
        if (channel is null) return new YouTubeChannelLookup.NotFound(channelId);

        var statistics = channel.Statistics;
        var hidden = statistics?.HiddenSubscriberCount ?? false;
        return new YouTubeChannelLookup.Found(
            channelId,
            channel.Snippet?.Title ?? "",
            channel.Snippet?.Description ?? "",
            hidden ? 0 : statistics?.SubscriberCount ?? 0,
            hidden,
            channel.Snippet?.CustomUrl,
            statistics?.VideoCount ?? 0,
            statistics?.ViewCount ?? 0);
    }

    private async Task<YouTubeChannelLookup> ReadRefusalAsync(HttpResponseMessage response, string channelId, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var error = await ReadErrorAsync(response, cancellationToken);
        var retryAfter = RetryAfter(response);
        var reason = $"YouTube answered {status}{(error?.Reason is { } r ? $" ({r})" : "")}";

        var transient = status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
        if (transient || error?.IsQuota == true)
        {
            LogUnavailable(logger, channelId, reason);
        }
        else
        {
            // A refused key, a disabled API or a wrong BaseUrl: nothing the user did, and nothing that heals without an operator.
            LogRefused(logger, channelId, reason);
        }

        return new YouTubeChannelLookup.Unavailable(reason, retryAfter);
    }

    private static async Task<ErrorResponse?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ErrorResponse>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException)
        {
            return null; // a proxy's HTML page: the status code says enough
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > DateTimeOffset.UtcNow => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "YouTube channel {ChannelId} could not be looked up: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string channelId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "YouTube refused the lookup of channel {ChannelId}: {Reason}; check YOUTUBE_API_KEY, the API's enablement and YouTube:BaseUrl")]
    private static partial void LogRefused(ILogger logger, string channelId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "YouTube channel {ChannelId} was not looked up: YOUTUBE_API_KEY is not set")]
    private static partial void LogNoKey(ILogger logger, string channelId);
}
