using Npgsql;
using Xylo.Api.Hosting;

namespace Xylo.Api.EventLog;

public static class EventLogSetup
{
    /// <summary>The event log's readers and the log-side tables, over the API's one data source, in the API's schema.</summary>
    public static IServiceCollection AddXyloEventLog(this IServiceCollection services)
    {
        services.AddSingleton(sp => new EventLogDatabase(sp.GetRequiredService<NpgsqlDataSource>(), CritterStackSetup.Schema));
        services.AddSingleton(sp => new AuditChainTable(sp.GetRequiredService<NpgsqlDataSource>(), CritterStackSetup.Schema));
        services.AddSingleton(sp => new ArchiveHeadTable(sp.GetRequiredService<NpgsqlDataSource>(), CritterStackSetup.Schema));
        return services;
    }
}
