using Alba;
using Microsoft.Extensions.Options;
using Shouldly;
using Xylo.Api.Operations.Configuration;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

public sealed class ProductionStartupTests
{
    [Fact]
    public async Task Production_refuses_to_start_naming_every_missing_or_development_secret()
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => XyloHost.StartAsync(new Dictionary<string, string?>
        {
            ["JWT_SECRET"] = "xylo-development-jwt-secret-not-for-production-use-0123456789",
            ["PRIVATE_KEY"] = "",
            ["CHAIN_RPC_URL"] = "",
            ["YOUTUBE_API_KEY"] = "a-real-looking-youtube-key",
            ["X_CLIENT_ID"] = "",
            ["X_CLIENT_SECRET"] = "",
            ["SLACK_WEBHOOK_URL"] = "",
        }, environment: "Production"));

        failure.Message.ShouldContain("Production needs real values");
        foreach (var name in new[] { "JWT_SECRET", "PRIVATE_KEY", "CHAIN_RPC_URL", "X_CLIENT_ID", "X_CLIENT_SECRET", "SLACK_WEBHOOK_URL" })
        {
            failure.Message.ShouldContain(name);
        }

        failure.Message.ShouldNotContain(XyloSecrets.YouTubeApiKey);
        failure.Message.ShouldNotContain("xylo-development-jwt-secret", Case.Insensitive);
    }

    [Fact]
    public async Task Production_starts_when_every_secret_is_real()
    {
        await using var host = await XyloHost.StartAsync(new Dictionary<string, string?>
        {
            ["JWT_SECRET"] = "a-production-grade-secret-of-more-than-32-chars",
            ["PRIVATE_KEY"] = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
            ["CHAIN_RPC_URL"] = "http://127.0.0.1:1",
            ["YOUTUBE_API_KEY"] = "a-real-looking-youtube-key",
            ["X_CLIENT_ID"] = "real-client-id",
            ["X_CLIENT_SECRET"] = "real-client-secret",
            ["SLACK_WEBHOOK_URL"] = "http://127.0.0.1:1/hooks/real",
        }, environment: "Production");

        await host.Scenario(s =>
        {
            s.Get.Url("/health");
            s.StatusCodeShouldBeOk();
        });
    }
}
