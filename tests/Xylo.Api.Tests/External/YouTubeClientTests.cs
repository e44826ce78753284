using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;
using Xylo.Api.External.YouTube;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.External;

public sealed class YouTubeClientTests : IAsyncLifetime
{
    private const string ChannelId = "UCkRfArvrzheW2E7b6SVT7vQ";

    private readonly CapturedLogs _logs = new();
    private FakeYouTube _youTube = null!;

    public async ValueTask InitializeAsync() => _youTube = await FakeYouTube.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _youTube.DisposeAsync();

    [Fact]
    public async Task A_registered_channel_is_found_with_its_title_description_and_subscribers()
    {
        _youTube.AddChannel(ChannelId, "Creator Studio", "Verify: xylo-7f3a", 1_230_000, customUrl: "@creatorstudio");
        await using var services = Services(_youTube.BaseUrl);

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        var found = lookup.ShouldBeOfType<YouTubeChannelLookup.Found>();
        found.ChannelId.ShouldBe(ChannelId);
        found.Title.ShouldBe("Creator Studio");
        found.Description.ShouldBe("Verify: xylo-7f3a");
        found.SubscriberCount.ShouldBe(1_230_000); // sent as the string "1230000"
        found.SubscriberCountHidden.ShouldBeFalse();
        found.CustomUrl.ShouldBe("@creatorstudio");
        found.VideoCount.ShouldBe(12);
        found.ViewCount.ShouldBe(49_200_000);
        _youTube.RequestCount.ShouldBe(1);
    }

    [Fact]
    public async Task An_unknown_channel_is_not_found()
    {
        await using var services = Services(_youTube.BaseUrl);

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        lookup.ShouldBe(new YouTubeChannelLookup.NotFound(ChannelId));
    }

    [Fact]
    public async Task A_hidden_subscriber_count_reads_as_zero_even_when_a_count_is_sent()
    {
        _youTube.AddChannel(ChannelId, "Shy Creator", "", 5_000, hideSubscriberCount: true);
        await using var services = Services(_youTube.BaseUrl);

        var found = (await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken))
            .ShouldBeOfType<YouTubeChannelLookup.Found>();

        found.SubscriberCount.ShouldBe(0);
        found.SubscriberCountHidden.ShouldBeTrue();
    }

    [Fact]
    public async Task A_channel_id_carrying_a_comma_only_ever_answers_for_itself()
    {
        _youTube.AddChannel(ChannelId, "Someone else", "", 1);
        await using var services = Services(_youTube.BaseUrl);

        var lookup = await Client(services).GetChannelAsync($"UCnotregistered,{ChannelId}", TestContext.Current.CancellationToken);

        lookup.ShouldBeOfType<YouTubeChannelLookup.NotFound>();
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(429)]
    public async Task One_transient_failure_is_retried_and_the_channel_is_found(int status)
    {
        _youTube.AddChannel(ChannelId, "Creator", "", 10);
        _youTube.FailNext(1, status);
        await using var services = Services(_youTube.BaseUrl);

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        lookup.ShouldBeOfType<YouTubeChannelLookup.Found>();
        _youTube.RequestCount.ShouldBe(2);
    }

    [Fact]
    public async Task A_persistent_503_is_unavailable_after_every_retry()
    {
        _youTube.AddChannel(ChannelId, "Creator", "", 10);
        _youTube.FailWith(503);
        await using var services = Services(_youTube.BaseUrl);

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        lookup.ShouldBeOfType<YouTubeChannelLookup.Unavailable>().Reason.ShouldBe("YouTube answered 503 (backendError)");
        _youTube.RequestCount.ShouldBe(3); // the first attempt and 2 retries
    }

    [Fact]
    public async Task An_exhausted_quota_is_unavailable_and_not_retried()
    {
        _youTube.AddChannel(ChannelId, "Creator", "", 10);
        _youTube.FailWith(403);
        await using var services = Services(_youTube.BaseUrl);

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        lookup.ShouldBeOfType<YouTubeChannelLookup.Unavailable>().Reason.ShouldBe("YouTube answered 403 (quotaExceeded)");
        _youTube.RequestCount.ShouldBe(1);
        _logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains(ChannelId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_server_is_unavailable()
    {
        await using var services = Services($"http://127.0.0.1:{ClosedPort()}/youtube/v3/");

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        lookup.ShouldBeOfType<YouTubeChannelLookup.Unavailable>().Reason.ShouldStartWith("YouTube is unreachable (HttpRequestException");
    }

    [Fact]
    public async Task A_server_slower_than_the_attempt_timeout_is_unavailable()
    {
        _youTube.AddChannel(ChannelId, "Creator", "", 10);
        _youTube.Latency = TimeSpan.FromSeconds(5);
        await using var services = Services(_youTube.BaseUrl, new() { ["YouTube:Timeout"] = "00:00:00.200", ["YouTube:Retries"] = "1" });

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        lookup.ShouldBe(new YouTubeChannelLookup.Unavailable("YouTube did not answer in time"));
        _youTube.RequestCount.ShouldBe(2);
    }

    [Fact]
    public async Task A_lookup_the_caller_cancels_throws_instead_of_blaming_youtube()
    {
        _youTube.AddChannel(ChannelId, "Creator", "", 10);
        _youTube.Latency = TimeSpan.FromSeconds(5);
        await using var services = Services(_youTube.BaseUrl);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var lookup = Client(services).GetChannelAsync(ChannelId, cancellation.Token);
        await Eventually.Get(() => Task.FromResult(_youTube.RequestCount), count => count >= 1);
        await cancellation.CancelAsync();

        var thrown = await Should.ThrowAsync<Exception>(() => lookup);

        thrown.ShouldBeAssignableTo<OperationCanceledException>();
        _youTube.RequestCount.ShouldBe(1, "a lookup the caller cancelled is not retried");
    }

    // Decision: a refused key is Unavailable too (the user did nothing wrong, so no failure is recorded against
    // them), but it is not retried and it is logged as an Error naming YOUTUBE_API_KEY, because only an operator can fix it.
    [Fact]
    public async Task A_wrong_key_is_unavailable_not_retried_and_logged_as_an_error()
    {
        _youTube.AddChannel(ChannelId, "Creator", "", 10);
        await using var services = Services(_youTube.BaseUrl, new() { ["YOUTUBE_API_KEY"] = "not-the-key" });

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        lookup.ShouldBeOfType<YouTubeChannelLookup.Unavailable>().Reason.ShouldBe("YouTube answered 400 (API_KEY_INVALID)");
        _youTube.RequestCount.ShouldBe(1);
        _logs.Entries.ShouldContain(e => e.Level == LogLevel.Error && e.Message.Contains("YOUTUBE_API_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_key_is_unavailable_without_calling_youtube()
    {
        await using var services = Services(_youTube.BaseUrl, new() { ["YOUTUBE_API_KEY"] = "" });

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        lookup.ShouldBe(new YouTubeChannelLookup.Unavailable("YOUTUBE_API_KEY is not set"));
        _youTube.RequestCount.ShouldBe(0);
    }

    [Fact]
    public async Task YouTubes_retry_after_is_passed_on_to_the_caller()
    {
        _youTube.FailWith(503, retryAfter: TimeSpan.FromMinutes(2));
        await using var services = Services(_youTube.BaseUrl);

        var lookup = await Client(services).GetChannelAsync(ChannelId, TestContext.Current.CancellationToken);

        lookup.ShouldBe(new YouTubeChannelLookup.Unavailable("YouTube answered 503 (backendError)", TimeSpan.FromMinutes(2)));
        _youTube.RequestCount.ShouldBe(3); // retried after the configured delay, not after two minutes
    }

    [Fact]
    public async Task The_api_key_reaches_no_log_line_even_at_trace_level()
    {
        _youTube.AddChannel(ChannelId, "Creator", "", 10);
        _youTube.FailNext(1, 503);
        await using var services = Services(_youTube.BaseUrl);
        var client = Client(services);

        (await client.GetChannelAsync(ChannelId, TestContext.Current.CancellationToken)).ShouldBeOfType<YouTubeChannelLookup.Found>();
        _youTube.FailWith(503);
        (await client.GetChannelAsync(ChannelId, TestContext.Current.CancellationToken)).ShouldBeOfType<YouTubeChannelLookup.Unavailable>();

        _logs.Entries.ShouldContain(e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal)); // the client's own logs were captured
        _logs.Entries.ShouldContain(e => e.Category.StartsWith("Polly", StringComparison.Ordinal)); // and the retries'
        _logs.Entries.ShouldAllBe(e => !e.Text.Contains(_youTube.ApiKey, StringComparison.Ordinal));
    }

    private ServiceProvider Services(string baseUrl, Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["YOUTUBE_API_KEY"] = _youTube.ApiKey,
            ["YouTube:BaseUrl"] = baseUrl,
            ["YouTube:RetryDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in overrides ?? []) settings[key] = value;

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
        services.AddYouTubeClient();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static YouTubeClient Client(IServiceProvider services) => services.GetRequiredService<YouTubeClient>();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
