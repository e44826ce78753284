using Wolverine;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.External.YouTube;

public static class YouTubeSetup
{
    /// <summary>The typed <see cref="YouTubeClient"/> behind the standard resilience handler, both configured from <see cref="YouTubeOptions"/>.</summary>
    public static IServiceCollection AddYouTubeClient(this IServiceCollection services)
    {
        services.AddOptions<YouTubeOptions>()
            .BindConfiguration(YouTubeOptions.Section)
            .Configure<IConfiguration>((youTube, configuration) => youTube.ApiKey = configuration[XyloSecrets.YouTubeApiKey])
            .Validate(o => o.BaseUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" }, "YouTube:BaseUrl must be an absolute http(s) URL")
            .Validate(o => o.Timeout > TimeSpan.Zero, "YouTube:Timeout must be positive")
            .Validate(o => o.Retries is >= 0 and <= 10, "YouTube:Retries must be between 0 and 10")
            .Validate(o => o.RetryDelay >= TimeSpan.Zero, "YouTube:RetryDelay must not be negative")
            .ValidateOnStart();

        services.AddHttpClient<YouTubeClient>((sp, http) =>
            {
                var youTube = sp.GetRequiredService<IOptions<YouTubeOptions>>().Value;
                // Without the trailing slash "channels" would replace "v3" instead of following it.
                http.BaseAddress = youTube.BaseUrl.AbsoluteUri.EndsWith('/') ? youTube.BaseUrl : new Uri(youTube.BaseUrl.AbsoluteUri + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler owns every timeout
            })
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => Apply(sp.GetRequiredService<IOptions<YouTubeOptions>>().Value, resilience));
        // A typed HttpClient is built by a factory lambda, which Wolverine's generated endpoints may only resolve by name.
        services.ConfigureWolverine(wolverine => wolverine.CodeGeneration.AlwaysUseServiceLocationFor<YouTubeClient>());
        return services;
    }

    private static void Apply(YouTubeOptions youTube, HttpStandardResilienceOptions resilience)
    {
        resilience.AttemptTimeout.Timeout = youTube.Timeout;
        resilience.TotalRequestTimeout.Timeout = youTube.TotalTimeout;
        // The breaker insists on sampling at least two attempt timeouts.
        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(resilience.CircuitBreaker.SamplingDuration.Ticks, youTube.Timeout.Ticks * 2));

        var retry = resilience.Retry;
        retry.MaxRetryAttempts = Math.Max(youTube.Retries, 1);
        if (youTube.Retries == 0) retry.ShouldHandle = static _ => PredicateResult.False();
        retry.Delay = youTube.RetryDelay;
        retry.BackoffType = DelayBackoffType.Constant;
        retry.UseJitter = true;
        // A Retry-After beyond the short total budget would only turn into a timeout; it goes back to the caller instead.
        retry.ShouldRetryAfterHeader = false;
    }
}
