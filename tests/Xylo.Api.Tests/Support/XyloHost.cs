using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Xylo.Api.Tests.Support;

/// <summary>Boots the real Program against the test stack, with per-host settings layered on top.</summary>
public static class XyloHost
{
    public const string Environment = "Testing";

    public static Task<IAlbaHost> StartAsync(IDictionary<string, string?>? settings = null, string environment = Environment,
        Action<IServiceCollection>? configureServices = null)
    {
        var merged = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = TestStack.DatabaseUrl,
            // Reads from the test stack's replica only where a test asks for them (ReadReplicaTests): stale reads would make
            // every write-then-read test wait.
            ["DATABASE_REPLICA_URL"] = "",
            ["REDIS_URL"] = TestStack.RedisUrl,
            ["JWT_SECRET"] = "xylo-tests-signing-key-0123456789abcdef",
            ["RateLimiting:PermitLimit"] = "100000",
            ["RateLimiting:KeyPrefix"] = $"test:{Guid.NewGuid():N}",
            ["Logs:Directory"] = NewLogDirectory(),
            // Where the environment archives (Development does): a directory of this host's own, never one an earlier run
            // filled against a database that has since been recreated.
            ["Archive:Directory"] = Path.Combine(NewLogDirectory(), "archive"),
            ["Logs:Console"] = "false",
            // Tests watch readiness change at once; the cache itself has its own test.
            ["Health:ReadinessCacheSeconds"] = "0",
            // One vault indexer per database (its lease and cursor are the database's): the vault tests' hosts, against
            // their own chain, turn it on; any other host with a vault contract on another chain would index into the same
            // cursor and take the lease from them.
            ["Vault:Enabled"] = "false",
        };
        // The API's handlers and endpoints run the committed generated code, as in Production; only this assembly's probe
        // endpoints and handlers, which Static would not look for, are compiled at run time.
        if (environment == Environment) merged["CodeGeneration:TypeLoadMode"] = "Auto";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) merged[key] = value;

        return AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment(environment);
            foreach (var (key, value) in merged) builder.UseSetting(key, value);
            builder.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.ConfigureWolverine(options => options.Discovery.IncludeAssembly(typeof(XyloHost).Assembly));
                configureServices?.Invoke(services);
            });
        });
    }

    public static string NewLogDirectory() =>
        Path.Combine(Path.GetTempPath(), "xylo-tests", Guid.NewGuid().ToString("N"));

    public static string LogDirectory(this IAlbaHost host) =>
        host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Logs:Directory"]!;
}
