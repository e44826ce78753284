using Marten;

namespace Xylo.Projections;

public static class ProjectionsSetup
{
    /// <summary>Registers every read model and its projection; each area adds its own line here.</summary>
    public static StoreOptions AddXyloProjections(this StoreOptions options) => options;
}
