using Marten;

namespace Xylo.Api.EventLog;

public static class AuditStoreOptions
{
    /// <summary>
    /// The audit's schema feature; the (type, seq_id) index Marten offers for <c>eventType</c> filters; the
    /// indexes the feature adds to Marten's own tables declared ignored, so Marten's migrations keep them.
    /// </summary>
    public static StoreOptions AddXyloAudit(this StoreOptions options, string schema)
    {
        options.Storage.Add(new AuditSchema(options, schema));
        options.Events.EnableEventTypeIndex = true;
        foreach (var name in AuditSchema.IndexNames) options.Events.IgnoreIndex(name);
        return options;
    }
}
