using Microsoft.Extensions.Options;

namespace Xylo.Api.Operations.Configuration;

/// <summary>
/// The secrets the operations guide lists, read from environment variables of the same names.
/// </summary>
public sealed class XyloSecrets
{
    public const string DatabaseUrl = "DATABASE_URL";
    public const string RedisUrl = "REDIS_URL";
    public const string JwtSecret = "JWT_SECRET";
    public const string ChainRpcUrl = "CHAIN_RPC_URL";
    public const string PrivateKey = "PRIVATE_KEY";
    public const string YouTubeApiKey = "YOUTUBE_API_KEY";
    public const string XClientId = "X_CLIENT_ID";
    public const string XClientSecret = "X_CLIENT_SECRET";
    public const string SlackWebhookUrl = "SLACK_WEBHOOK_URL";

    public static readonly IReadOnlyList<string> All =
    [
        DatabaseUrl, RedisUrl, JwtSecret, ChainRpcUrl, PrivateKey, YouTubeApiKey, XClientId, XClientSecret, SlackWebhookUrl,
    ];

    /// <summary>Names whose values are secret as a whole; URLs are secret only in their password part.</summary>
    public static readonly IReadOnlyList<string> Opaque = [JwtSecret, PrivateKey, YouTubeApiKey, XClientSecret, SlackWebhookUrl];

    /// <summary>Values shipped for local development (appsettings.Development.json, anvil's first account): never valid in Production.</summary>
    public static readonly IReadOnlySet<string> DevelopmentValues = new HashSet<string>(StringComparer.Ordinal)
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

    /// <summary>Every secret that is missing or still holds a development value.</summary>
    public IReadOnlyList<string> UnusableInProduction() =>
        All.Where(name => this[name] is not { } value || DevelopmentValues.Contains(value.Trim())).ToList();

    /// <summary>The concrete secret strings to keep out of every log line, including passwords inside URLs.</summary>
    public IEnumerable<string> SensitiveStrings()
    {
        foreach (var name in Opaque)
        {
            if (this[name] is { Length: > 0 } value) yield return value;
        }

        foreach (var name in new[] { DatabaseUrl, RedisUrl, ChainRpcUrl })
        {
            if (this[name] is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) continue;
            var password = uri.UserInfo.Split(':', 2) is [_, var p] ? Uri.UnescapeDataString(p) : null;
            if (password is { Length: > 0 }) yield return password;
            // RPC providers put the API key in the path
            if (name == ChainRpcUrl && uri.AbsolutePath.Trim('/') is { Length: >= 16 } path) yield return path;
        }
    }
}

public sealed class XyloSecretsValidator(IHostEnvironment environment) : IValidateOptions<XyloSecrets>
{
    public ValidateOptionsResult Validate(string? name, XyloSecrets options)
    {
        var failures = new List<string>();
        if (options[XyloSecrets.DatabaseUrl] is null) failures.Add($"{XyloSecrets.DatabaseUrl} is required");
        if (options[XyloSecrets.JwtSecret] is null) failures.Add($"{XyloSecrets.JwtSecret} is required");

        if (environment.IsProduction() && options.UnusableInProduction() is { Count: > 0 } unusable)
        {
            failures.Add(
                "Production needs real values for these secrets (missing or set to a development default): "
                + string.Join(", ", unusable));
        }

        if (environment.IsProduction() && options[XyloSecrets.JwtSecret] is { Length: < 32 })
        {
            failures.Add($"{XyloSecrets.JwtSecret} must be at least 32 characters");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
