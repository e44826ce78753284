namespace Xylo.Api.Operations.OpenApi;

/// <summary>The business areas the API reference groups operations by (the document's tags), in reading order.</summary>
public static class ApiAreas
{
    public const string Identity = "Identity";
    public const string Wallets = "Wallets";
    public const string Channels = "Channels";
    public const string Points = "Points";
    public const string RewardsAndMints = "Rewards and mints";
    public const string Vault = "Vault";
    public const string Audit = "Audit";
    public const string Admin = "Admin";
    public const string Operations = "Operations";

    public static readonly IReadOnlyList<(string Name, string Description)> All =
    [
        (Identity, "Sign in with X (or, in Development, the dev sign-in), refresh and end sessions, read your profile. " +
            "Every other call carries the access token as `Authorization: Bearer <token>`."),
        (Wallets, "Link one Polygon wallet to your account by signing an EIP-4361 (Sign-In with Ethereum) message, or unlink it."),
        (Channels, "Prove you own a YouTube channel: claim it, put the code in its description, then verify."),
        (Points, "Earn points (daily check-in, referrals, awards from integrations), read your balance and history, the leaderboard; " +
            "integrations award points and hold them with an `X-Api-Key`."),
        (RewardsAndMints, "The reward catalogue and spending points on reward NFTs minted on Polygon: a mint is accepted at once " +
            "and settles on chain in the background."),
        (Vault, "Deposits into the on-chain XyloVault as the indexer sees them: your own, all of them (admins), and a rescan."),
        (Audit, "The append-only event log for auditors: events, streams, a stream's state at a moment, the hash-chain integrity and an export."),
        (Admin, "Running XYLO: roles and suspensions, earning rules, point adjustments, rewards, contracts and projections."),
        (Operations, "Service information. Health (`/health`, `/health/ready`) and metrics (`/metrics`) are outside this reference."),
    ];
}
