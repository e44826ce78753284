using System.Net.Http.Json;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.External.Slack;

/// <summary>
/// Posts notices to the channel's incoming webhook (SLACK_ALERTS_WEBHOOK_URL for #alerts, SLACK_MONITORING_WEBHOOK_URL
/// for #monitoring; SLACK_WEBHOOK_URL when a channel has none). It runs on its own durable queue, so Slack being slow or down
/// delays a notice (Wolverine retries it) and never a mint.
/// </summary>
public static class SlackNoticeHandler
{
    public const string HttpClientName = "slack";

    public static async Task Handle(SlackNotice notice, IHttpClientFactory clients, IConfiguration configuration, ILogger<SlackNotice> logger,
        CancellationToken cancellation)
    {
        var alerts = notice.Channel == SlackNotice.AlertsChannel;
        if (XyloSecrets.SlackWebhookFor(configuration, alerts) is not { } webhook)
        {
            logger.LogDebug("No {Setting}: Slack notice to {Channel} not sent: {Text}",
                alerts ? XyloSecrets.SlackAlertsWebhookUrl : XyloSecrets.SlackMonitoringWebhookUrl, notice.Channel, notice.Text);
            return;
        }

        using var response = await clients.CreateClient(HttpClientName)
            .PostAsJsonAsync(new Uri(webhook), new { channel = notice.Channel, text = notice.Text }, cancellation);
        response.EnsureSuccessStatusCode();
    }
}
