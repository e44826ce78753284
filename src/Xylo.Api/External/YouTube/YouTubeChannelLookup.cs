namespace Xylo.Api.External.YouTube;

/// <summary>What YouTube said about one channel, or that it could not be asked.</summary>
public abstract record YouTubeChannelLookup
{
    private YouTubeChannelLookup() { }

    /// <param name="SubscriberCount">0 when the owner hides it (<paramref name="SubscriberCountHidden"/>); YouTube rounds it to three significant figures.</param>
    /// <param name="CustomUrl">The channel's handle, such as <c>@creator</c>, when it has one.</param>
    public sealed record Found(
        string ChannelId,
        string Title,
        string Description,
        long SubscriberCount,
        bool SubscriberCountHidden,
        string? CustomUrl,
        long VideoCount,
        long ViewCount) : YouTubeChannelLookup;

    public sealed record NotFound(string ChannelId) : YouTubeChannelLookup;

    /// <summary>
    /// YouTube could not answer (down, slow, out of quota, or refusing our key): nothing is known about the
    /// channel, so callers answer 503 and record no failure against the user.
    /// </summary>
    /// <param name="RetryAfter">YouTube's own Retry-After, when it sent one.</param>
    public sealed record Unavailable(string Reason, TimeSpan? RetryAfter = null) : YouTubeChannelLookup;
}
