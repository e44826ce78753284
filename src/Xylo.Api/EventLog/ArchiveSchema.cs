using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Xylo.Api.EventLog;

/// <summary>
/// <c>archive_head</c>: where each archive ends, one row per archive location, moved only by the writer that
/// closed the segment. A writer compares it with what it believes before it writes, so a node that lost the
/// daemon to another node cannot append a stale segment after the new writer's.
/// </summary>
public sealed class ArchiveSchema(StoreOptions options, string schema) : FeatureSchemaBase("XyloArchive", options.Advanced.Migrator)
{
    public const string HeadTable = "archive_head";

    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        var head = new Table(new PostgresqlObjectName(schema, HeadTable, SchemaUtils.IdentifierUsage.General));
        head.AddColumn<string>("location").AsPrimaryKey();
        head.AddColumn<long>("closed_to").NotNull();
        head.AddColumn<string>("sha256").NotNull();
        head.AddColumn("updated_at", "timestamptz").NotNull();
        yield return head;
    }
}
