using Marten;

namespace Xylo.Api.Operations.Idempotency;

public static class IdempotencySetup
{
    /// <summary>Options, the cleaner of expired records and the middleware's dependencies.</summary>
    public static IServiceCollection AddXyloIdempotency(this IServiceCollection services)
    {
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IdempotencyCleaner>();
        services.AddHostedService(sp => sp.GetRequiredService<IdempotencyCleaner>());
        return services;
    }

    /// <summary>After routing and authentication: it reads the endpoint's <see cref="IdempotentAttribute"/> and the caller's identity.</summary>
    public static WebApplication UseXyloIdempotency(this WebApplication app)
    {
        app.UseMiddleware<IdempotencyMiddleware>();
        return app;
    }

    public static StoreOptions AddIdempotencyDocuments(this StoreOptions options)
    {
        // The version lets a takeover of a dead request's key and that request's late completion not both win.
        options.Schema.For<IdempotencyRecord>().UseOptimisticConcurrency(true).Index(x => x.ExpiresAt);
        return options;
    }
}
