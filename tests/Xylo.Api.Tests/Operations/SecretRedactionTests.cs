using Alba;
using Microsoft.Extensions.Configuration;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

public sealed class SecretRedactionTests : IAsyncLifetime
{
    private const string JwtSecret = "jwt-secret-7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e";
    private const string PrivateKey = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
    private const string YouTubeKey = "AIzaSyTestKeyNotRealButLong123456";
    private const string XSecret = "x-client-secret-9d8c7b6a5f4e3d2c";
    private const string ApiKey = "integration-key-1-0f9e8d7c6b5a4f3e2d1c0b9a";
    private const string OtherApiKey = "integration-key-2-a1b2c3d4e5f60718293a4b5c";
    private const string DatabasePassword = "db-pass-4c1e9f0a7b";
    private const string BearerToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0LXVzZXIifQ.c2lnbmF0dXJlLXBhcnQ";
    private IAlbaHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await XyloHost.StartAsync(new Dictionary<string, string?>
    {
        ["JWT_SECRET"] = JwtSecret,
        ["PRIVATE_KEY"] = PrivateKey,
        ["YOUTUBE_API_KEY"] = YouTubeKey,
        ["X_CLIENT_SECRET"] = XSecret,
        ["INTEGRATION_API_KEYS"] = $"{ApiKey}, {OtherApiKey}",
    });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task No_secret_token_or_key_reaches_a_log_line()
    {
        await _host.Scenario(s =>
        {
            s.Post.Text("").ToUrl("/probe/careless-log");
            s.WithRequestHeader("Authorization", $"Bearer {BearerToken}");
            s.WithRequestHeader("X-Correlation-Id", "redaction-check");
            s.WithRequestHeader("X-Api-Key", ApiKey);
        });

        var lines = await Eventually.Get(
            () => Task.FromResult(File.Exists(Path.Combine(_host.LogDirectory(), "combined.log"))
                ? File.ReadAllText(Path.Combine(_host.LogDirectory(), "combined.log"))
                : ""),
            text => text.Contains("Careless exception", StringComparison.Ordinal) && text.Contains("\"StatusCode\":200", StringComparison.Ordinal));

        lines.ShouldContain("Careless line", customMessage: "the careless line was logged (redacted), so the check is real");
        foreach (var secret in new[] { JwtSecret, PrivateKey, YouTubeKey, XSecret, BearerToken, ApiKey, OtherApiKey })
        {
            lines.ShouldNotContain(secret);
        }

        lines.ShouldContain("***");
        var errors = File.ReadAllText(Path.Combine(_host.LogDirectory(), "error.log"));
        errors.ShouldContain("Careless exception");
        errors.ShouldNotContain(JwtSecret);
    }

    [Fact]
    public void A_database_password_inside_the_url_is_treated_as_a_secret()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DATABASE_URL"] = $"postgres://xylo:{DatabasePassword}@db:5432/xylo" })
            .Build();

        Xylo.Api.Operations.Configuration.XyloSecrets.From(configuration).SensitiveStrings().ShouldContain(DatabasePassword);
    }
}
