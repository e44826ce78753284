using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Xylo.Api.EventLog;

/// <summary>
/// The hash chain's table and the indexes the audit queries need, created by Marten at startup. A feature of
/// its own, because Marten applies registered features after its event tables, which the indexes sit on.
/// </summary>
public sealed class AuditSchema(StoreOptions options, string schema) : FeatureSchemaBase("XyloAudit", options.Advanced.Migrator)
{
    public const string ChainTable = "audit_chain";

    private static readonly (string Name, string Table, string Columns)[] Indexes =
    [
        ("idx_mt_events_timestamp", "mt_events", "timestamp"),
        ("idx_mt_streams_type", "mt_streams", "type"),
    ];

    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        var chain = new Table(new PostgresqlObjectName(schema, ChainTable, SchemaUtils.IdentifierUsage.General));
        chain.AddColumn<long>("seq_id").AsPrimaryKey();
        chain.AddColumn("hash", "bytea").NotNull();
        yield return chain;
        foreach (var (name, table, columns) in Indexes) yield return new EventLogIndex(schema, name, table, columns);
    }

    internal static IEnumerable<string> IndexNames => Indexes.Select(i => i.Name);
}
