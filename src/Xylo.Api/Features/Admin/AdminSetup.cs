using Marten;

namespace Xylo.Api.Features.Admin;

public static class AdminSetup
{
    public static IServiceCollection AddXyloAdmin(this IServiceCollection services)
    {
        services.AddSingleton<RebuildRegistry>();
        services.AddSingleton<ProjectionCatalog>();
        services.AddSingleton<ProjectionPauses>();
        services.AddHostedService<RebuildRunner>();
        return services;
    }

    public static StoreOptions AddAdminDocuments(this StoreOptions options)
    {
        options.Schema.For<ProjectionRebuild>().UseOptimisticConcurrency(true).Index(j => j.Status);
        options.Schema.For<ProjectionPause>();
        return options;
    }
}
