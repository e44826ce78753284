using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Xylo.Domain.Channels;
using Xylo.Domain.Mints;
using Xylo.Domain.Rewards;
using Xylo.Domain.Users;
using Xylo.Domain.Points;
using Xylo.Domain.Vault;
using Xylo.Domain.Wallets;
using Xylo.Projections.Mints;
using Xylo.Projections.Points;
using Xylo.Projections.Rewards;
using Xylo.Projections.Users;
using Xylo.Projections.Vault;

namespace Xylo.Projections;

public static class ProjectionsSetup
{
    /// <summary>
    /// Events per page where every statement is planned with its parameters: the commands that replay the log. Measured
    /// (<c>./xylo bench rebuild</c>, 1,000,000 events): 10,000 → 17,382 events/s, 25,000 → 22,580, 50,000 → 22,700.
    /// </summary>
    public const int RebuildPageSize = 25_000;

    /// <summary>
    /// Events per page in the API, whose prepared statements get PostgreSQL's generic plans. The generic plan of the
    /// daemon's page query guesses that a sequence range holds 0.5 % of the log; when the page may be larger than that
    /// guess it hashes every row of <c>mt_streams</c> and sorts the range: measured on a 1,000,000-event log with
    /// 95,240 streams, 65 ms for a page of 300 events with 10,000-event pages against 0.8 ms with 500-event pages.
    /// </summary>
    public const int LivePageSize = 500;

    public const int RebuildFlushAggregates = 100_000;

    /// <summary>
    /// Write-side state is snapshotted inline (a command loads one document instead of replaying its
    /// stream), then every read model and its projection; each area adds its own lines here.
    /// </summary>
    public static StoreOptions AddXyloProjections(this StoreOptions options, bool plansWithParameters)
    {
        options.Projections.Snapshot<User>(SnapshotLifecycle.Inline);
        options.Projections.Snapshot<ExternalLogin>(SnapshotLifecycle.Inline);
        options.Projections.Snapshot<WalletOwnership>(SnapshotLifecycle.Inline);
        options.Projections.Snapshot<ChannelClaim>(SnapshotLifecycle.Inline);

        // The points account's snapshot is also the fan's balance (GET /me/points) and the maintenance job's index of due
        // expiries and holds: one document write per ledger event instead of two that folded the same events.
        options.Projections.Snapshot<PointsAccount>(SnapshotLifecycle.Inline);
        options.Schema.For<PointsAccount>().Index(x => x.NextExpiryAt).Index(x => x.NextHoldExpiryAt);
        options.Projections.Snapshot<Reward>(SnapshotLifecycle.Inline);
        options.Projections.Snapshot<Mint>(SnapshotLifecycle.Inline);

        options.Projections.Add<UserProfileProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<UserProfile>().Index(x => x.Handle);

        LeaderboardProjection.Register(options);

        options.Projections.Add<RewardViewProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<MintViewProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<MintView>().Index(x => x.UserId).Duplicate(x => x.Status).Index(x => x.UpdatedAt);

        // A vault log's snapshot is its read model too (GET /me/vault) and the index of deposits the points rule has to settle.
        options.Projections.Snapshot<VaultLog>(SnapshotLifecycle.Inline);
        options.Projections.Add<VaultPositionProjection>(ProjectionLifecycle.Inline);
        return options.UseBulkRebuilds(plansWithParameters ? RebuildPageSize : LivePageSize);
    }

    /// <summary>
    /// Rebuilds (<c>projections rebuild</c>, restore; the admin's rebuild in the API in pages of <see cref="LivePageSize"/>)
    /// read the log in pages of <see cref="RebuildPageSize"/> events, keep each aggregate in memory across pages and write it once per flush of
    /// <see cref="RebuildFlushAggregates"/> aggregates, by binary COPY when the rebuild creates it: Marten's own
    /// rebuild machinery, running the same Create/Apply code as the live projections.
    /// </summary>
    private static StoreOptions UseBulkRebuilds(this StoreOptions options, int pageSize)
    {
        options.Projections.RebuildWithBulkCopy = true;
        foreach (var projection in options.Projections.All)
        {
            // Pages for the daemon's catch-up too, which only the async leaderboard has: up to that many events when behind.
            projection.Options.BatchSize = pageSize;
            projection.Options.RebuildFlushThreshold = RebuildFlushAggregates;
        }

        return options;
    }
}
