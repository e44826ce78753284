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
        return options;
    }
}
