namespace Xylo.Api.Tests.Support;

/// <summary>Where the test stack started by <c>./xylo test</c> listens (its defaults when run by hand).</summary>
public static class TestStack
{
    public static string DatabaseUrl =>
        Environment.GetEnvironmentVariable("DATABASE_URL") ?? $"postgres://xylo:xylo@127.0.0.1:{StackPorts.Get("TEST_PG")}/xylo";

    /// <summary>The test stack's streaming replica of <see cref="DatabaseUrl"/> (<c>./xylo stack up test</c> starts it).</summary>
    public static string ReplicaUrl => $"postgres://xylo:xylo@127.0.0.1:{StackPorts.Get("TEST_PG_REPLICA")}/xylo";

    public static string RedisUrl =>
        Environment.GetEnvironmentVariable("REDIS_URL") ?? $"redis://127.0.0.1:{StackPorts.Get("TEST_REDIS")}";
}
