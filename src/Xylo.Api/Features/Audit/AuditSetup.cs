using Marten;

namespace Xylo.Api.Features.Audit;

public static class AuditSetup
{
    /// <summary>The aggregate registry and the chain verifier (the log itself is read through the EventLog module).</summary>
    public static IServiceCollection AddXyloAudit(this IServiceCollection services)
    {
        services.AddSingleton(sp => new AuditedAggregates(sp.GetRequiredService<IDocumentStore>()));
        services.AddSingleton<AuditChainVerifier>();
        return services;
    }
}
