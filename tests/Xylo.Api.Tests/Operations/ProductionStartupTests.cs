using Alba;
using Microsoft.Extensions.Options;
using Npgsql;
using Shouldly;
using Xylo.Api.Hosting;
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
            ["SLACK_ALERTS_WEBHOOK_URL"] = "",
        }, environment: "Production"));

        failure.Message.ShouldContain("Production needs real values");
        foreach (var name in new[] { "JWT_SECRET", "PRIVATE_KEY", "CHAIN_RPC_URL", "X_CLIENT_ID", "X_CLIENT_SECRET", "SLACK_ALERTS_WEBHOOK_URL", "SLACK_MONITORING_WEBHOOK_URL" })
        {
            failure.Message.ShouldContain(name);
        }

        failure.Message.ShouldNotContain(XyloSecrets.YouTubeApiKey);
        failure.Message.ShouldNotContain("xylo-development-jwt-secret", Case.Insensitive);
    }

    [Fact]
    public async Task Production_starts_when_every_secret_is_real()
    {
        // In Production the schema is the deploy step's (db-apply), not the start's.
        await ApplySchemaAsync(TestStack.DatabaseUrl);
        await using var host = await XyloHost.StartAsync(RealSecrets(TestStack.DatabaseUrl), environment: "Production");

        await host.Scenario(s =>
        {
            s.Get.Url("/health");
            s.StatusCodeShouldBeOk();
        });

        // What an anonymous caller learns in Production: no environment name, no reference page, no API description.
        var front = await (await host.Scenario(s => s.Get.Url("/"))).ReadAsTextAsync();
        front.ShouldNotContain("Production");
        front.ShouldNotContain("/docs");
        await host.Scenario(s =>
        {
            s.Get.Url("/docs");
            s.StatusCodeShouldBe(404);
        });
        await host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task Production_leaves_the_schema_to_db_apply()
    {
        var database = await TestDatabases.CreateAsync("production_schema");
        try
        {
            var failure = await Should.ThrowAsync<Exception>(() => XyloHost.StartAsync(RealSecrets(database), environment: "Production"));
            (await SchemaAsync(database)).ShouldBeEmpty($"a Production start without db-apply created tables ({failure.Message})");

            await ApplySchemaAsync(database);
            var applied = await SchemaAsync(database);
            applied.ShouldNotBeEmpty();
            await using (var host = await XyloHost.StartAsync(RealSecrets(database), environment: "Production"))
            {
                await host.Scenario(s =>
                {
                    s.Get.Url("/health/ready");
                    s.StatusCodeShouldBeOk();
                });
            }

            (await SchemaAsync(database)).ShouldBe(applied);
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }

    private static Dictionary<string, string?> RealSecrets(string databaseUrl) => new()
    {
        ["DATABASE_URL"] = databaseUrl,
        ["JWT_SECRET"] = "a-production-grade-secret-of-more-than-32-chars",
        ["PRIVATE_KEY"] = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        ["CHAIN_RPC_URL"] = "http://127.0.0.1:1",
        ["YOUTUBE_API_KEY"] = "a-real-looking-youtube-key",
        ["X_CLIENT_ID"] = "real-client-id",
        ["X_CLIENT_SECRET"] = "real-client-secret",
        ["SLACK_ALERTS_WEBHOOK_URL"] = "http://127.0.0.1:1/hooks/alerts",
        ["SLACK_MONITORING_WEBHOOK_URL"] = "http://127.0.0.1:1/hooks/monitoring",
    };

    private static async Task ApplySchemaAsync(string databaseUrl)
    {
        var (exitCode, output) = await XyloCli.RunAsync(new Dictionary<string, string> { ["DATABASE_URL"] = databaseUrl }, "db-apply");
        exitCode.ShouldBe(0, output);
    }

    /// <summary>Every column, index and function of the schema, one line each.</summary>
    private static async Task<List<string>> SchemaAsync(string databaseUrl)
    {
        await using var data = NpgsqlDataSource.Create(TestDatabases.Npgsql(databaseUrl));
        await using var command = data.CreateCommand($"""
            select 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(column_default, '')
              from information_schema.columns where table_schema = '{CritterStackSetup.Schema}'
            union all
            select 'index ' || indexdef from pg_indexes where schemaname = '{CritterStackSetup.Schema}'
            union all
            select 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(p.prosrc)
              from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = '{CritterStackSetup.Schema}'
            order by 1
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return lines;
    }
}
