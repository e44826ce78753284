using Xylo.Domain.Mints;

namespace Xylo.Api.External.Slack;

/// <summary>A line for Slack: errors go to the alerts channel, the rest to monitoring (the operations guide).</summary>
public sealed record SlackNotice(string Channel, string Text)
{
    public const string AlertsChannel = "#alerts";
    public const string MonitoringChannel = "#monitoring";

    public static SlackNotice Alert(string text) => new(AlertsChannel, text);

    public static SlackNotice Monitoring(string text) => new(MonitoringChannel, text);

    public static SlackNotice Minted(Mint mint, long tokenId, string? txHash) =>
        Monitoring($"NFT minted: token {tokenId} to {mint.Wallet} for mint {mint.Id}{(txHash is null ? "" : $" (tx {txHash})")}");
}
