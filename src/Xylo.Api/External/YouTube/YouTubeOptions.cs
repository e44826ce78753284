namespace Xylo.Api.External.YouTube;

/// <summary>Where the YouTube Data API v3 lives and how long to wait for it; the key comes from YOUTUBE_API_KEY.</summary>
public sealed class YouTubeOptions
{
    public const string Section = "YouTube";

    public Uri BaseUrl { get; set; } = new("https://www.googleapis.com/youtube/v3/");

    /// <summary>Per attempt; a request as a whole may take <see cref="TotalTimeout"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public int Retries { get; set; } = 2;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Read from the root key YOUTUBE_API_KEY, never from this section.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Every attempt plus every delay, with room for the delays' jitter (±25%) and a second more,
    /// so the last attempt's own timeout fires before the whole request's.
    /// </summary>
    public TimeSpan TotalTimeout => Timeout * (Retries + 1) + RetryDelay * (Retries * 1.5) + TimeSpan.FromSeconds(1);
}
