using Xylo.Api.Features.Admin;
using Xylo.Api.Features.Audit;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Channels;
using Xylo.Api.Features.Contracts;
using Xylo.Api.Features.Mints;
using Xylo.Api.Features.Points;
using Xylo.Api.Features.Rewards;
using Xylo.Api.Features.Users;
using Xylo.Api.Features.Vault;
using Xylo.Api.Features.Wallets;
using Xylo.Projections.Mints;
using Xylo.Projections.Rewards;
using Xylo.Projections.Users;
using static Xylo.Api.Operations.OpenApi.ApiAreas;

namespace Xylo.Api.Operations.OpenApi;

/// <summary>
/// What the API reference says about one operation. <paramref name="Returns"/> names the body of a success answer when the
/// endpoint returns <c>IResult</c> (which tells the document nothing); <paramref name="Status"/> is that answer's status.
/// <paramref name="Problems"/> are the statuses the endpoint itself answers beyond what its signature and authorization
/// already say (the transformer adds 400, 401, 403, 404, 409 and 429 from those).
/// </summary>
public sealed record ApiOperation(
    string Area,
    string Id,
    string Summary,
    string Description,
    string? RequestExample = null,
    string? ResponseExample = null,
    Type? Returns = null,
    int Status = StatusCodes.Status200OK,
    int[]? Problems = null);

/// <summary>
/// Every operation of the API reference, keyed by <c>"METHOD /route"</c> as ASP.NET Core's API explorer writes it.
/// One place, so endpoint files stay free of documentation attributes; <c>OpenApiDocumentTests</c> fails when an operation
/// of the document has no entry here. Keep the ids stable: they name the generated client's methods.
/// </summary>
public static class ApiOperations
{
    private const string Uuid = "3f2b8c1e-6d4a-4e9b-9a51-2c7d0e8f4b10";

    public static readonly IReadOnlyDictionary<string, ApiOperation> ByRoute = new Dictionary<string, ApiOperation>
    {
        // Identity
        ["POST /auth/dev/sign-in"] = new(Identity, "devSignIn", "Sign in without X (Development only)",
            "Registers the handle on first use and signs it in, optionally granting roles (`admin`, `auditor`), so every operation " +
            "can be tried after `./xylo run`. Only mapped in Development; elsewhere it is a 404. Copy `accessToken` from the answer " +
            "into the reference's Bearer authentication.",
            RequestExample: """{ "handle": "alice", "roles": ["admin"] }""", Returns: typeof(TokenResponse), ResponseExample: TokensExample),
        ["GET /auth/x/login"] = new(Identity, "startXSignIn", "Sign in with X",
            "Redirects the browser to X's OAuth 2.0 authorization page (PKCE). X sends it back to `/auth/x/callback`, which answers " +
            "the same tokens as a refresh. 503 when X sign-in is not configured.", Status: StatusCodes.Status302Found,
            Problems: [StatusCodes.Status503ServiceUnavailable]),
        ["POST /auth/refresh"] = new(Identity, "refreshSession", "Refresh a session",
            "Exchanges a refresh token for a new access token and a new refresh token (rotation: the old refresh token stops working; " +
            "presenting it again revokes the whole session).",
            RequestExample: """{ "refreshToken": "Zt1m4-8Yp0cV2Q9xw3sJkA" }""", Returns: typeof(TokenResponse), ResponseExample: TokensExample,
            Problems: [StatusCodes.Status401Unauthorized]),
        ["POST /auth/logout"] = new(Identity, "signOut", "Sign out",
            "Revokes the session the refresh token belongs to. Unknown or already revoked tokens answer 204 too.",
            RequestExample: """{ "refreshToken": "Zt1m4-8Yp0cV2Q9xw3sJkA" }""", Status: StatusCodes.Status204NoContent),
        ["GET /me"] = new(Identity, "getMyProfile", "Your profile",
            "Your handle, roles, linked wallet, verified channel and whether the account is suspended.", Returns: typeof(UserProfile),
            Problems: [StatusCodes.Status404NotFound]),

        // Wallets
        ["GET /auth/wallet/nonce"] = new(Wallets, "getWalletNonce", "Get a sign-in nonce for a wallet",
            "A single-use nonce, with the domain, URI and chain id the EIP-4361 message you sign with the wallet must state."),
        ["POST /me/wallet"] = new(Wallets, "linkWallet", "Link a wallet",
            "Links the wallet that signed the EIP-4361 message (domain, URI and chain id as the server expects, the nonce from " +
            "`GET /auth/wallet/nonce`). A wallet belongs to one account at a time.",
            RequestExample: """{ "message": "localhost:3000 wants you to sign in with your Ethereum account:\n0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n\nLink this wallet to XYLO\n\nURI: http://localhost:3000\nVersion: 1\nChain ID: 80002\nNonce: 8f2c1d9a7b3e4f60\nIssued At: 2026-12-06T09:00:00Z", "signature": "0x4f1c…1b" }""",
            Returns: typeof(LinkedWallet), ResponseExample: """{ "address": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "chainId": 80002 }""",
            Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["DELETE /me/wallet"] = new(Wallets, "unlinkWallet", "Unlink your wallet",
            "Removes the link between your account and its wallet.", Status: StatusCodes.Status204NoContent),

        // Channels
        ["POST /me/youtube/claims"] = new(Channels, "claimChannel", "Claim a YouTube channel",
            "Starts (or repeats) a claim: the answer holds the code to put in the channel's description. 201 for a new claim, 200 when " +
            "you already have one pending for the channel.",
            RequestExample: """{ "channelId": "UCX6OQ3DkcsbYNE6H8uQQuVA" }""", Returns: typeof(ChannelClaimIssued), Status: StatusCodes.Status201Created,
            Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["POST /me/youtube/claims/{claimId}/verify"] = new(Channels, "verifyChannel", "Verify a channel claim",
            "Asks YouTube for the channel's description: when it holds your code the channel is verified and its subscriber count " +
            "recorded; otherwise the failure is recorded with its reason (422). If YouTube cannot be asked, 503 and nothing is recorded.",
            Returns: typeof(ChannelVerification),
            Problems: [StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable]),

        // Points
        ["GET /me/points"] = new(Points, "getMyPoints", "Your points balance",
            "Available and held points; earned, spent and expired totals; the next amount to expire and when."),
        ["GET /me/points/history"] = new(Points, "getMyPointsHistory", "Your points history",
            "Earnings, spends, holds and expiries, newest first, a page at a time (`before` is the `next` of the previous page)."),
        ["POST /me/checkins"] = new(Points, "checkIn", "Daily check-in",
            "Earns the check-in points once per UTC day, with a streak bonus every few days in a row. Send an `Idempotency-Key` " +
            "so a retry is answered from the first answer.",
            Returns: typeof(CheckIn), ResponseExample: """{ "date": "2026-12-06", "points": 10, "streak": 3, "streakBonus": 0 }""",
            Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["GET /me/referral"] = new(Points, "getMyReferralCode", "Your referral code",
            "The code a friend redeems to earn both of you points."),
        ["POST /me/referral"] = new(Points, "redeemReferralCode", "Redeem a referral code",
            "Redeems another user's code once per account: you and the referrer each earn the referral rule's points.",
            RequestExample: """{ "code": "ALICE-7Q2K" }""", Returns: typeof(ReferralRedeemed),
            Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["GET /leaderboard"] = new(Points, "getLeaderboard", "Leaderboard",
            "The top earners of a period (`all`, `week`, `month`), and your own place when you are signed in.", Returns: typeof(Leaderboard)),
        ["POST /points/awards"] = new(Points, "awardPoints", "Award points (integrations)",
            "Awards points to one user or to a batch (`awards`), each with a `source` that makes it idempotent: an award already " +
            "recorded counts as a duplicate and earns nothing again. Called by integrations with `X-Api-Key` or by admins.",
            RequestExample: $$"""{ "userId": "{{Uuid}}", "amount": 50, "reason": "watched the premiere", "source": "partner:premiere-2026-12-06", "awards": null }""",
            Returns: typeof(AwardResponse), Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["POST /admin/points/{userId}/holds"] = new(Points, "placeHold", "Hold points",
            "Reserves points of a user for a purpose (they stop being available) until the hold is posted, voided or expires after " +
            "`minutes`.",
            RequestExample: """{ "amount": 100, "purpose": "order 1042", "minutes": 30 }""", Returns: typeof(HoldPlaced), Status: StatusCodes.Status201Created,
            Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["POST /admin/points/{userId}/holds/{holdId}/post"] = new(Points, "postHold", "Post a hold",
            "Spends the held points.", Status: StatusCodes.Status204NoContent, Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["POST /admin/points/{userId}/holds/{holdId}/void"] = new(Points, "voidHold", "Void a hold",
            "Releases the held points back to the balance.", RequestExample: """{ "reason": "order cancelled" }""",
            Status: StatusCodes.Status204NoContent, Problems: [StatusCodes.Status422UnprocessableEntity]),

        // Rewards and mints
        ["GET /rewards"] = new(RewardsAndMints, "listRewards", "Reward catalogue",
            "The rewards on offer (and retired ones with `includeRetired=true`): cost in points, supply left, availability window."),
        ["GET /rewards/{rewardId}"] = new(RewardsAndMints, "getReward", "One reward", "A reward of the catalogue.", Returns: typeof(RewardView)),
        ["POST /me/mints"] = new(RewardsAndMints, "requestMint", "Spend points on a reward NFT",
            "Spends the reward's cost and queues the mint to your linked wallet (202): follow it at `GET /mints/{mintId}`. Send an " +
            "`Idempotency-Key` so a retry never spends twice.",
            RequestExample: $$"""{ "rewardId": "{{Uuid}}" }""", Returns: typeof(MintAccepted), Status: StatusCodes.Status202Accepted,
            ResponseExample: $$"""{ "mintId": "{{Uuid}}", "status": "queued", "requestId": "mint-3f2b8c1e" }""",
            Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["GET /me/mints"] = new(RewardsAndMints, "listMyMints", "Your mints", "Your mints, newest first, with their chain status."),
        ["GET /mints/{mintId}"] = new(RewardsAndMints, "getMint", "One mint",
            "A mint's status (queued, submitted, minted, failed), transaction and token id. Visible to its owner and to admins; anyone " +
            "else gets the same 404 as for a mint that does not exist.", Returns: typeof(MintView)),

        // Vault
        ["GET /me/vault"] = new(Vault, "getMyVault", "Your vault",
            "Your linked wallet's balances in the XyloVault contract per token (base units as decimal strings; the native coin is " +
            "token `0x0000000000000000000000000000000000000000`), its deposits and withdrawals newest first (`page`, `pageSize` " +
            "up to 200; a reorged log shows status `Reorged`, with the points it credited taken back) and its logs not yet past " +
            "the safe head (pending: shown, not credited). Without a linked wallet everything is empty.",
            Returns: typeof(MyVault)),
        ["GET /admin/vault"] = new(Vault, "getVaultIndexer", "The vault indexer",
            "Totals per token, the indexer's cursor (block and hash), the safe and latest head, the lag in blocks, reorgs and the " +
            "last one, the pending count, the last poll and error, and a rescan waiting to run."),
        ["POST /admin/vault/rescan"] = new(Vault, "rescanVault", "Rescan the vault from a block",
            "The indexer reads the chain again from `fromBlock` on its next poll (202). Every log is its own stream, so what was " +
            "indexed before appends nothing: a rescan only fills what is missing and never credits twice. 400 below the " +
            "deployment block or above the latest block; 409 when no vault contract is configured.",
            RequestExample: """{ "fromBlock": 120 }""", Returns: typeof(RescanAccepted), Status: StatusCodes.Status202Accepted,
            Problems: [StatusCodes.Status409Conflict]),

        // Audit
        ["GET /audit/events"] = new(Audit, "listAuditEvents", "Events",
            "Events of the log filtered by stream, stream type, event type and time, oldest first, a page at a time (`after` is the " +
            "`next` of the previous page).", Returns: typeof(AuditEventPage)),
        ["GET /audit/export"] = new(Audit, "exportAuditEvents", "Export events",
            "The same filter as `GET /audit/events` without paging, streamed as NDJSON (one event per line), gzip-compressed when the " +
            "client accepts gzip."),
        ["GET /audit/integrity"] = new(Audit, "verifyAuditIntegrity", "Verify the hash chain",
            "Recomputes the audit hash chain over a range of sequence numbers and names the first broken link, if any.",
            Returns: typeof(IntegrityReport)),
        ["GET /audit/streams/{id}"] = new(Audit, "getAuditStream", "A stream", "Every event of one stream.", Returns: typeof(AuditStream)),
        ["GET /audit/streams/{id}/state"] = new(Audit, "getAuditStreamState", "A stream's state at a moment",
            "The aggregate rebuilt from its events up to a version or a moment.", Returns: typeof(AuditStreamState)),

        // Admin
        ["GET /admin/users"] = new(Admin, "findUsers", "Find users",
            "Users whose id is `q`, whose handle starts with `q` or whose X username is `q` (an `@` in front is ignored), by " +
            "handle, at most `limit` (1–100, default 20): their profiles, with roles and suspension.",
            Returns: typeof(FoundUsers)),
        ["POST /admin/users/{userId}/roles"] = new(Admin, "grantRole", "Grant a role", "Grants `admin` or `auditor`.",
            RequestExample: """{ "role": "auditor" }""", Status: StatusCodes.Status204NoContent),
        ["DELETE /admin/users/{userId}/roles/{role}"] = new(Admin, "revokeRole", "Revoke a role", "Revokes a role.",
            Status: StatusCodes.Status204NoContent),
        ["POST /admin/users/{userId}/suspension"] = new(Admin, "suspendUser", "Suspend a user",
            "The user's tokens stop working at once and their sessions are revoked.", RequestExample: """{ "reason": "spam" }""",
            Status: StatusCodes.Status204NoContent),
        ["DELETE /admin/users/{userId}/suspension"] = new(Admin, "reinstateUser", "Reinstate a user", "Lifts a suspension.",
            Status: StatusCodes.Status204NoContent),
        ["POST /admin/points/{userId}/adjustments"] = new(Admin, "adjustPoints", "Adjust a user's points",
            "Credits (positive) or debits (negative) points with a reason, recorded in the user's ledger.",
            RequestExample: """{ "amount": -25, "reason": "duplicate award reversed" }""", Status: StatusCodes.Status204NoContent,
            Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["GET /admin/rules"] = new(Admin, "listEarningRules", "Earning rules", "The rules points are earned by."),
        ["PUT /admin/rules/{ruleId}"] = new(Admin, "updateEarningRule", "Change an earning rule",
            "Replaces a rule: its amount, subscriber tiers, streak bonus, expiry, caps, budget, active window and whether it is enabled.",
            RequestExample: """{ "id": "daily-checkin", "kind": 2, "amount": 10, "tiers": [], "streakEvery": 7, "streakBonus": 50, "expiryDays": 90, "perUserDailyCap": null, "globalBudget": null, "activeFrom": null, "activeUntil": null, "enabled": true }""",
            Returns: typeof(Xylo.Domain.Points.EarningRule)),
        ["POST /admin/rewards"] = new(Admin, "createReward", "Create a reward",
            "Adds a reward to the catalogue; it answers the new catalogue entry.",
            RequestExample: """{ "name": "Founders badge", "description": "For the first fans", "metadataUri": "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "cost": 500, "supply": 1000, "availableFrom": "2026-12-06T00:00:00Z", "availableUntil": null }""",
            Returns: typeof(RewardView), Status: StatusCodes.Status201Created, Problems: [StatusCodes.Status422UnprocessableEntity]),
        ["POST /admin/rewards/{rewardId}/retirement"] = new(Admin, "retireReward", "Retire a reward",
            "A retired reward takes no new mints; mints already requested finish. Answers the catalogue entry after the retirement."),
        ["POST /admin/cache/warm"] = new(Admin, "warmCache", "Warm the caches", "Rebuilds the Redis mirrors from the projections and says what it warmed."),
        ["GET /admin/chain"] = new(Admin, "getChainStatus", "Chain status",
            "Chain id, block, contract addresses, signer nonces and the transactions still pending."),
        ["POST /admin/contracts/{contract}/pause"] = new(Admin, "pauseContract", "Pause a contract",
            "Pauses `rewards` or `vault` on chain: 200 when mined (or already paused), 202 while the transaction is pending; 503 when " +
            "the contract is not configured.", Returns: typeof(ContractPauseState), Problems: [StatusCodes.Status503ServiceUnavailable]),
        ["POST /admin/contracts/{contract}/unpause"] = new(Admin, "unpauseContract", "Unpause a contract",
            "Unpauses `rewards` or `vault` on chain, as pause does.", Returns: typeof(ContractPauseState),
            Problems: [StatusCodes.Status503ServiceUnavailable]),
        ["GET /admin/projections"] = new(Admin, "listProjections", "Projections", "Every projection's position, lag and state."),
        ["POST /admin/projections/{name}/pause"] = new(Admin, "pauseProjection", "Pause a projection",
            "Stops the projection's daemon shard; reads keep answering from what it built so far.", Returns: typeof(ProjectionStatus)),
        ["POST /admin/projections/{name}/resume"] = new(Admin, "resumeProjection", "Resume a projection", "Restarts a paused shard.",
            Returns: typeof(ProjectionStatus)),
        ["POST /admin/projections/{name}/rebuild"] = new(Admin, "rebuildProjection", "Rebuild a projection",
            "Starts a rebuild in the background (202): follow it at the returned location.", Returns: typeof(RebuildAccepted),
            Status: StatusCodes.Status202Accepted),
        ["GET /admin/projections/rebuilds/{id}"] = new(Admin, "getProjectionRebuild", "A rebuild's progress",
            "Events processed, rate and state of a rebuild.", Returns: typeof(RebuildStatus)),

        // Operations
        ["GET /"] = new(ApiAreas.Operations, "getServiceInfo", "Service information", "Name, version and environment of this instance, and where its documentation, health and metrics live."),
    };

    private const string TokensExample = $$"""
        { "accessToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…", "tokenType": "Bearer", "expiresIn": 900,
          "refreshToken": "Zt1m4-8Yp0cV2Q9xw3sJkA", "refreshTokenExpiresAt": "2027-01-05T09:00:00Z",
          "user": { "id": "{{Uuid}}", "handle": "alice", "roles": ["admin"] } }
        """;
}
