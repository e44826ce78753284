using Microsoft.Extensions.Options;

namespace Xylo.Api.Operations.Configuration;

/// <summary>
/// The secrets the operations guide lists, read from environment variables of the same names.
/// </summary>
public sealed class XyloSecrets
{
    public const string DatabaseUrl = "DATABASE_URL";

    /// <summary>Optional: a streaming replica of <see cref="DatabaseUrl"/> for the reads that tolerate staleness (<c>ReadReplica</c>).</summary>
    public const string DatabaseReplicaUrl = "DATABASE_REPLICA_URL";
    public const string RedisUrl = "REDIS_URL";
    public const string JwtSecret = "JWT_SECRET";
    public const string ChainRpcUrl = "CHAIN_RPC_URL";
    public const string PrivateKey = "PRIVATE_KEY";
    public const string YouTubeApiKey = "YOUTUBE_API_KEY";
    public const string XClientId = "X_CLIENT_ID";
    public const string XClientSecret = "X_CLIENT_SECRET";
    /// <summary>Slack #alerts (errors); Slack app webhooks post only to the channel they were made for, so each channel has its own.</summary>
    public const string SlackAlertsWebhookUrl = "SLACK_ALERTS_WEBHOOK_URL";

    /// <summary>Slack #monitoring (everything else).</summary>
    public const string SlackMonitoringWebhookUrl = "SLACK_MONITORING_WEBHOOK_URL";

    /// <summary>The guide's single webhook: still read as the fallback for both channels, no longer required.</summary>
    public const string SlackWebhookUrl = "SLACK_WEBHOOK_URL";

    /// <summary>Comma-separated keys of the integrations (<c>X-Api-Key</c>); optional, each at least <see cref="MinimumKeyLength"/> characters.</summary>
    public const string IntegrationApiKeys = "INTEGRATION_API_KEYS";

    public const int MinimumKeyLength = 32;

    /// <summary>Required outside Development and Testing, with real values.</summary>
    public static readonly IReadOnlyList<string> Required =
    [
        DatabaseUrl, RedisUrl, JwtSecret, ChainRpcUrl, PrivateKey, YouTubeApiKey, XClientId, XClientSecret, SlackAlertsWebhookUrl,
        SlackMonitoringWebhookUrl,
    ];

    public static readonly IReadOnlyList<string> All = [.. Required, DatabaseReplicaUrl, SlackWebhookUrl, IntegrationApiKeys];

    /// <summary>Names whose values are secret as a whole; URLs are secret only in their password part.</summary>
    public static readonly IReadOnlyList<string> Opaque =
        [JwtSecret, PrivateKey, YouTubeApiKey, XClientSecret, SlackAlertsWebhookUrl, SlackMonitoringWebhookUrl, SlackWebhookUrl];

    /// <summary>
    /// Values shipped for local development (appsettings.Development.json, anvil's first account): never valid outside
    /// Development. Compared ignoring case (a hex key is the same key in capitals) and surrounding blanks.
    /// </summary>
    public static readonly IReadOnlySet<string> DevelopmentValues = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "xylo-development-jwt-secret-not-for-production-use-0123456789",
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "xylo-development-youtube-key",
        "xylo-development-x-client-id",
        "xylo-development-x-client-secret",
    };

    public Dictionary<string, string?> Values { get; } = new(StringComparer.Ordinal);

    public string? this[string name] => Values.GetValueOrDefault(name);

    public string DatabaseUrlOrThrow() => this[DatabaseUrl] ?? throw new InvalidOperationException($"{DatabaseUrl} is not set");

    public static XyloSecrets From(IConfiguration configuration) => new XyloSecrets().ReadFrom(configuration);

    public XyloSecrets ReadFrom(IConfiguration configuration)
    {
        foreach (var name in All) Values[name] = configuration[name] is { Length: > 0 } value ? value : null;
        return this;
    }

    /// <summary>Every required secret that is missing or still holds a development value.</summary>
    public IReadOnlyList<string> UnusableWhenDeployed() =>
        Required.Where(name => this[name] is not { } value || DevelopmentValues.Contains(value.Trim())).ToList();

    /// <summary>The integration API keys (<see cref="IntegrationApiKeys"/>, comma separated).</summary>
    public IReadOnlyList<string> ApiKeys() =>
        (this[IntegrationApiKeys] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The webhook of a Slack channel: its own, else the single <see cref="SlackWebhookUrl"/>.</summary>
    public static string? SlackWebhookFor(IConfiguration configuration, bool alerts) =>
        configuration[alerts ? SlackAlertsWebhookUrl : SlackMonitoringWebhookUrl] is { Length: > 0 } own ? own
        : configuration[SlackWebhookUrl] is { Length: > 0 } shared ? shared : null;

    /// <summary>The concrete secret strings to keep out of every log line, including passwords inside URLs.</summary>
    public IEnumerable<string> SensitiveStrings()
    {
        foreach (var name in Opaque)
        {
            if (this[name] is { Length: > 0 } value) yield return value;
        }

        foreach (var key in ApiKeys()) yield return key;

        foreach (var name in new[] { DatabaseUrl, DatabaseReplicaUrl, RedisUrl, ChainRpcUrl })
        {
            if (this[name] is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) continue;
            var password = uri.UserInfo.Split(':', 2) is [_, var p] ? Uri.UnescapeDataString(p) : null;
            if (password is { Length: > 0 }) yield return password;
            // RPC providers put the API key in the path
            if (name == ChainRpcUrl && uri.AbsolutePath.Trim('/') is { Length: >= 16 } path) yield return path;
        }
    }
}

/// <summary>
/// Every environment but Development and Testing (the test suite's) is a deployed one (Staging, Production, any other
/// name): it needs every required secret, none of them a development default, and keys of a minimum length.
/// </summary>
public sealed class XyloSecretsValidator(IHostEnvironment environment) : IValidateOptions<XyloSecrets>
{
    public static bool IsDeployed(IHostEnvironment environment) => !environment.IsDevelopment() && !environment.IsEnvironment("Testing");

    public ValidateOptionsResult Validate(string? name, XyloSecrets options)
    {
        var failures = new List<string>();
        if (options[XyloSecrets.DatabaseUrl] is null) failures.Add($"{XyloSecrets.DatabaseUrl} is required");
        if (options[XyloSecrets.JwtSecret] is null) failures.Add($"{XyloSecrets.JwtSecret} is required");
        foreach (var address in new[] { XyloSecrets.DatabaseUrl, XyloSecrets.DatabaseReplicaUrl })
        {
            if (options[address] is { } url && !IsPostgresAddress(url))
                failures.Add($"{address} must be a postgres://user:pass@host:port/db URL or an Npgsql connection string");
        }

        if (options[XyloSecrets.DatabaseReplicaUrl] is { } replica && replica == options[XyloSecrets.DatabaseUrl])
            failures.Add($"{XyloSecrets.DatabaseReplicaUrl} is the same address as {XyloSecrets.DatabaseUrl}: leave it unset to read from the primary");
        if (!IsDeployed(environment)) return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        if (options.UnusableWhenDeployed() is { Count: > 0 } unusable)
        {
            failures.Add(
                $"{environment.EnvironmentName} needs real values for these secrets (missing or set to a development default): "
                + string.Join(", ", unusable));
        }

        if (options[XyloSecrets.JwtSecret] is { } jwt && jwt.Trim().Length < XyloSecrets.MinimumKeyLength)
        {
            failures.Add($"{XyloSecrets.JwtSecret} must be at least {XyloSecrets.MinimumKeyLength} characters");
        }

        if (options.ApiKeys().Any(key => key.Length < XyloSecrets.MinimumKeyLength || XyloSecrets.DevelopmentValues.Contains(key)))
        {
            failures.Add($"every key in {XyloSecrets.IntegrationApiKeys} must be at least {XyloSecrets.MinimumKeyLength} characters and not a development value");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsPostgresAddress(string url)
    {
        try
        {
            return new Npgsql.NpgsqlConnectionStringBuilder(ConnectionUrls.ToNpgsql(url)).Host is { Length: > 0 };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            return false;
        }
    }
}
