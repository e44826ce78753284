using Marten;
using Xylo.Api.Hosting;
using Npgsql;
using Xylo.Projections.Audit;

namespace Xylo.Api.Features.Audit;

public static class AuditSetup
{
    /// <summary>Raw access to the log for the audit endpoints and the hash chain, the aggregate registry, the chain verifier.</summary>
    public static IServiceCollection AddXyloAudit(this IServiceCollection services)
    {
        services.AddSingleton(sp => new EventLogDatabase(sp.GetRequiredService<NpgsqlDataSource>(), CritterStackSetup.Schema));
        services.AddSingleton(sp => new AuditedAggregates(sp.GetRequiredService<IDocumentStore>()));
        services.AddSingleton<AuditChainVerifier>();
        return services;
    }
}
