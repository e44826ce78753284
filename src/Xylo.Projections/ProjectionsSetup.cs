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
    public const int RebuildPageSize = 10_000;

    public const int RebuildFlushAggregates = 100_000;

    /// <summary>
    /// Write-side state is snapshotted inline (a command loads one document instead of replaying its
    /// stream), then every read model and its projection; each area adds its own lines here.
    /// </summary>
    public static StoreOptions AddXyloProjections(this StoreOptions options)
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
        return options.UseBulkRebuilds();
    }

    /// <summary>
    /// Rebuilds (<c>projections rebuild</c>, the admin's rebuild, restore) read the log in pages of
    /// <see cref="RebuildPageSize"/> events, keep each aggregate in memory across pages and write it once per flush of
    /// <see cref="RebuildFlushAggregates"/> aggregates, by binary COPY when the rebuild creates it: Marten's own
    /// rebuild machinery, running the same Create/Apply code as the live projections.
    /// </summary>
    private static StoreOptions UseBulkRebuilds(this StoreOptions options)
    {
        options.Projections.RebuildWithBulkCopy = true;
        foreach (var projection in options.Projections.All)
        {
            // Pages for the daemon's catch-up too, which only the async leaderboard has: up to that many events when behind.
            projection.Options.BatchSize = RebuildPageSize;
            projection.Options.RebuildFlushThreshold = RebuildFlushAggregates;
        }

        return options;
    }
}
