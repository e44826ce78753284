using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Xylo.Api.Recovery;

/// <summary>
/// The daemon's ordered feed into the archive. Pages only say how far the log is committed; the writer reads
/// the rows as stored, so the archive holds the exact JSON and every metadata column.
/// </summary>
public sealed class ArchiveSubscription : SubscriptionBase
{
    private readonly ArchiveWriter _writer;

    public ArchiveSubscription(ArchiveWriter writer)
    {
        _writer = writer;
        Name = "Archive";
        IncludeArchivedEvents = true;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        await _writer.AcceptAsync(page.SequenceCeiling, cancellationToken);
        return NullChangeListener.Instance;
    }
}
