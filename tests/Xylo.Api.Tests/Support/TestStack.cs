namespace Xylo.Api.Tests.Support;

/// <summary>Where the test stack started by <c>./xylo test</c> listens (its defaults when run by hand).</summary>
public static class TestStack
{
    public static string DatabaseUrl =>
        Environment.GetEnvironmentVariable("DATABASE_URL") ?? $"postgres://xylo:xylo@127.0.0.1:{StackPorts.Get("TEST_PG")}/xylo";

    public static string RedisUrl =>
        Environment.GetEnvironmentVariable("REDIS_URL") ?? $"redis://127.0.0.1:{StackPorts.Get("TEST_REDIS")}";
}
