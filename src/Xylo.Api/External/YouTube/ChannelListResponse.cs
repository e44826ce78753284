namespace Xylo.Api.External.YouTube;

// The parts of a v3 channels.list answer that XYLO reads. The counts are strings on the wire;
// JsonSerializerOptions.Web reads numbers from strings.
internal sealed record ChannelListResponse(IReadOnlyList<ChannelResource>? Items);

internal sealed record ChannelResource(string? Id, ChannelSnippet? Snippet, ChannelStatistics? Statistics);

internal sealed record ChannelSnippet(string? Title, string? Description, string? CustomUrl);

internal sealed record ChannelStatistics(long? SubscriberCount, bool HiddenSubscriberCount, long? VideoCount, long? ViewCount);
