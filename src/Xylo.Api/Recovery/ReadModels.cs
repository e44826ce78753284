using Marten;
using Marten.Schema;

namespace Xylo.Api.Recovery;

public static class ReadModels
{
    /// <summary>The document tables projections write: what a rebuild or a restore must reproduce.</summary>
    public static IReadOnlyList<string> Tables(DocumentStore store) =>
        store.Options.Projections.All.SelectMany(p => p.PublishedTypes())
            .Select(t => new DocumentMapping(t, store.Options).TableName.Name)
            .Distinct().Order(StringComparer.Ordinal).ToList();
}
