using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Xylo.Projections.Audit;

public static class AuditSchema
{
    public const string ChainTable = "audit_chain";

    /// <summary>
    /// The hash chain's table and the indexes the audit queries need, all created by Marten at startup.
    /// The two indexes on Marten's own tables are declared ignored so Marten's migrations keep them.
    /// </summary>
    public static StoreOptions AddXyloAudit(this StoreOptions options, string schema)
    {
        var chain = new Table(new PostgresqlObjectName(schema, ChainTable, SchemaUtils.IdentifierUsage.General));
        chain.AddColumn<long>("seq_id").AsPrimaryKey();
        chain.AddColumn("hash", "bytea").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(chain);

        // /audit/events?eventType=… walks (type, seq_id) in cursor order.
        options.Events.EnableEventTypeIndex = true;
        AddIndex(options, new EventLogIndex(schema, "idx_mt_events_timestamp", "mt_events", "timestamp"));
        AddIndex(options, new EventLogIndex(schema, "idx_mt_streams_type", "mt_streams", "type"));
        return options;
    }

    private static void AddIndex(StoreOptions options, EventLogIndex index)
    {
        options.Events.IgnoreIndex(index.Identifier.Name);
        options.Storage.ExtendedSchemaObjects.Add(index);
    }
}
