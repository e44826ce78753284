using System.Data.Common;
using Weasel.Core;
using Weasel.Postgresql;
using DbCommandBuilder = Weasel.Core.DbCommandBuilder;

namespace Xylo.Api.EventLog;

/// <summary>An extra index on one of Marten's event tables, as a Weasel schema object (created when missing).</summary>
public sealed class EventLogIndex(string schema, string name, string table, string columns) : ISchemaObject
{
    public DbObjectName Identifier { get; } = new PostgresqlObjectName(schema, name, SchemaUtils.IdentifierUsage.General);

    public void WriteCreateStatement(Migrator migrator, TextWriter writer) =>
        writer.WriteLine($"CREATE INDEX IF NOT EXISTS {name} ON {schema}.{table} ({columns});");

    public void WriteDropStatement(Migrator rules, TextWriter writer) =>
        writer.WriteLine($"DROP INDEX IF EXISTS {schema}.{name};");

    public void ConfigureQueryCommand(DbCommandBuilder builder)
    {
        var schemaParameter = builder.AddParameter(schema).ParameterName;
        var nameParameter = builder.AddParameter(name).ParameterName;
        builder.Append($"select count(*) from pg_indexes where schemaname = :{schemaParameter} and indexname = :{nameParameter};");
    }

    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        var exists = await reader.ReadAsync(ct) && Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) > 0;
        return new SchemaObjectDelta(this, exists ? SchemaPatchDifference.None : SchemaPatchDifference.Create);
    }

    public IEnumerable<DbObjectName> AllNames()
    {
        yield return Identifier;
    }
}
