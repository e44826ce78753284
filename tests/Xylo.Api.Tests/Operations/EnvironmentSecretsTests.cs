using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Shouldly;
using Xylo.Api.Operations.Configuration;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

/// <summary>Every deployed environment (anything but Development and Testing) checks its secrets, not only Production.</summary>
public sealed class EnvironmentSecretsTests
{
    private static readonly Dictionary<string, string?> Real = new()
    {
        ["DATABASE_URL"] = "postgres://xylo:real-password@db:5432/xylo",
        ["REDIS_URL"] = "redis://redis:6379",
        ["JWT_SECRET"] = "a-production-grade-secret-of-more-than-32-chars",
        ["CHAIN_RPC_URL"] = "https://rpc.example/v2/key",
        ["PRIVATE_KEY"] = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        ["YOUTUBE_API_KEY"] = "a-real-looking-youtube-key",
        ["X_CLIENT_ID"] = "real-client-id",
        ["X_CLIENT_SECRET"] = "real-client-secret",
        ["SLACK_ALERTS_WEBHOOK_URL"] = "https://hooks.example/alerts",
        ["SLACK_MONITORING_WEBHOOK_URL"] = "https://hooks.example/monitoring",
    };

    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    [InlineData("Demo")]
    public void A_deployed_environment_accepts_real_secrets(string environment) =>
        Validate(environment, Real).Succeeded.ShouldBeTrue();

    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    public void A_deployed_environment_refuses_development_secrets_in_any_case(string environment)
    {
        var result = Validate(environment, new()
        {
            ["JWT_SECRET"] = "XYLO-DEVELOPMENT-JWT-SECRET-NOT-FOR-PRODUCTION-USE-0123456789",
            ["PRIVATE_KEY"] = " 0xAC0974BEC39A17E36BA4A6B4D238FF944BACB478CBED5EFCAE784D7BF4F2FF80 ",
            ["SLACK_MONITORING_WEBHOOK_URL"] = "",
        });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain($"{environment} needs real values");
        foreach (var name in new[] { "JWT_SECRET", "PRIVATE_KEY", "SLACK_MONITORING_WEBHOOK_URL" }) result.FailureMessage.ShouldContain(name);
        result.FailureMessage.ShouldNotContain("YOUTUBE_API_KEY");
        result.FailureMessage.ShouldNotContain("development-jwt", Case.Insensitive);
    }

    [Fact]
    public void Keys_shorter_than_32_characters_are_refused()
    {
        var result = Validate("Staging", new() { ["JWT_SECRET"] = "short-but-real", ["INTEGRATION_API_KEYS"] = "a-partner-key-long-enough-0123456789ab, short" });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("JWT_SECRET must be at least 32 characters");
        result.FailureMessage.ShouldContain("INTEGRATION_API_KEYS must be at least 32 characters");
        result.FailureMessage.ShouldNotContain("a-partner-key");
        Validate("Staging", new() { ["INTEGRATION_API_KEYS"] = "a-partner-key-long-enough-0123456789ab,another-partner-key-long-enough-0123" })
            .Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Testing")]
    public void Development_and_the_test_suite_keep_their_development_secrets(string environment) =>
        Validate(environment, new() { ["JWT_SECRET"] = "xylo-development-jwt-secret-not-for-production-use-0123456789", ["PRIVATE_KEY"] = "" })
            .Succeeded.ShouldBeTrue();

    [Theory]
    [InlineData("Production")]
    [InlineData("Testing")]
    public void The_replica_address_is_optional_but_must_be_a_postgres_address_other_than_the_primary(string environment)
    {
        Validate(environment, new() { ["DATABASE_REPLICA_URL"] = "postgres://xylo:real-password@db-replica:5432/xylo" }).Succeeded.ShouldBeTrue();
        Validate(environment, new() { ["DATABASE_REPLICA_URL"] = "" }).Succeeded.ShouldBeTrue();

        var malformed = Validate(environment, new() { ["DATABASE_REPLICA_URL"] = "postgres://db-replica:port/xylo" });
        malformed.Failed.ShouldBeTrue();
        malformed.FailureMessage.ShouldContain("DATABASE_REPLICA_URL must be a postgres://");

        var primary = Validate(environment, new() { ["DATABASE_REPLICA_URL"] = Real["DATABASE_URL"] });
        primary.Failed.ShouldBeTrue();
        primary.FailureMessage.ShouldContain("DATABASE_REPLICA_URL is the same address as DATABASE_URL");
    }

    [Fact]
    public void The_replica_password_is_kept_out_of_the_logs()
    {
        var secrets = XyloSecrets.From(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?>(Real) { ["DATABASE_REPLICA_URL"] = "postgres://reader:replica-p%40ss@db-replica:5432/xylo" }).Build());

        secrets.SensitiveStrings().ShouldContain("replica-p@ss");
    }

    [Fact]
    public void Each_slack_channel_has_its_own_webhook_and_the_single_one_is_the_fallback()
    {
        var own = new ConfigurationBuilder().AddInMemoryCollection(Real).Build();
        XyloSecrets.SlackWebhookFor(own, alerts: true).ShouldBe("https://hooks.example/alerts");
        XyloSecrets.SlackWebhookFor(own, alerts: false).ShouldBe("https://hooks.example/monitoring");

        var single = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SLACK_WEBHOOK_URL"] = "https://hooks.example/one" }).Build();
        XyloSecrets.SlackWebhookFor(single, alerts: true).ShouldBe("https://hooks.example/one");
        XyloSecrets.SlackWebhookFor(single, alerts: false).ShouldBe("https://hooks.example/one");
    }

    [Theory]
    [InlineData("Staging", 80002, "https://staging-api.xylo.example", "https://amoy.polygonscan.com")]
    [InlineData("Production", 137, "https://api.xylo.example", "https://polygonscan.com")]
    public void Each_deployed_environment_has_its_chain_siwe_domain_explorer_and_no_schema_changes_at_start(
        string environment, long chainId, string siweUri, string explorer)
    {
        var settings = new ConfigurationBuilder()
            .AddJsonFile(Repository.PathOf("src", "Xylo.Api", "appsettings.json"))
            .AddJsonFile(Repository.PathOf("src", "Xylo.Api", $"appsettings.{environment}.json"))
            .Build();

        settings.GetValue<long>("Chain:ChainId").ShouldBe(chainId);
        settings.GetValue<long>("Siwe:ChainId").ShouldBe(chainId, "SIWE messages must name the chain the contracts are on");
        settings["Siwe:Uri"].ShouldBe(siweUri);
        new Uri(siweUri).Authority.ShouldBe(settings["Siwe:Domain"]);
        settings["Chain:ExplorerUrl"].ShouldBe(explorer);
        settings.GetValue<bool>("Database:ApplyChangesOnStartup", true).ShouldBeFalse("the schema is the deploy step's (db-patch / db-assert)");
        settings.GetValue<int>("RateLimiting:PermitLimit").ShouldBe(100);
        settings["JWT_SECRET"].ShouldBeNull("secrets come from the environment, never from a settings file");
        settings["PRIVATE_KEY"].ShouldBeNull();
    }

    private static ValidateOptionsResult Validate(string environment, Dictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(Real);
        foreach (var (key, value) in overrides) settings[key] = value;
        var secrets = XyloSecrets.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return new XyloSecretsValidator(new Environment(environment)).Validate(null, secrets);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Xylo.Api";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
