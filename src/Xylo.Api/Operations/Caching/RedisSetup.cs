using StackExchange.Redis;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Operations.Caching;

public static class RedisSetup
{
    /// <summary>
    /// One multiplexer for the process. It never blocks startup or a request on a dead Redis:
    /// commands fail fast and every caller falls back to the database or an in-process limiter.
    /// </summary>
    public static IServiceCollection AddXyloRedis(this IServiceCollection services)
    {
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var url = sp.GetRequiredService<IConfiguration>()[XyloSecrets.RedisUrl] ?? "127.0.0.1:6379";
            var options = ConfigurationOptions.Parse(ConnectionUrls.ToRedis(url));
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 2000;
            options.AsyncTimeout = 1000;
            options.SyncTimeout = 1000;
            options.ConnectRetry = 1;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            options.ClientName = "xylo-api";
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddSingleton<RedisCache>();
        services.AddHostedService<RedisConnector>();
        _ = CacheMetrics.HitRate;
        return services;
    }
}

/// <summary>Connects at startup rather than on the first request, so the first requests do not find Redis still handshaking.</summary>
internal sealed class RedisConnector(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<IConnectionMultiplexer>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
