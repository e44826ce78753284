using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Wolverine;
using Xylo.Api.Features.Points;
using Xylo.Domain.Vault;

namespace Xylo.Api.Features.Vault;

public static class VaultSetup
{
    public static IServiceCollection AddXyloVault(this IServiceCollection services)
    {
        services.AddOptions<VaultOptions>().BindConfiguration(VaultOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<VaultIndexer>();
        services.AddHostedService(sp => sp.GetRequiredService<VaultIndexer>());
        services.AddHealthChecks().AddCheck<VaultIndexerHealthCheck>("vault", HealthStatus.Degraded, ["ready"], TimeSpan.FromSeconds(3));
        VaultMetrics.Publish();
        // Credits ride the points rules' durable queue: committed with the logs that caused them, applied at least once, credited once.
        services.ConfigureWolverine(wolverine => wolverine.PublishMessage<SettleVaultCredits>().ToLocalQueue(PointsSetup.RulesQueue));
        return services;
    }

    public static StoreOptions AddVaultDocuments(this StoreOptions options)
    {
        options.Schema.For<VaultIndexerState>().UseOptimisticConcurrency(true);
        options.Schema.For<VaultRescan>();
        options.Schema.For<VaultLog>().Index(x => x.Wallet).Index(x => x.BlockNumber);
        return options;
    }
}
