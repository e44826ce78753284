using System.Numerics;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Hex.HexConvertors.Extensions;
using Shouldly;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Features.Mints;
using Xylo.Api.Tests.Support;
using Xylo.Projections.Mints;

namespace Xylo.Api.Tests.Mints;

[Collection(MintCollection.Name)]
public sealed class MintPipelineTests(MintFixture fixture)
{
    private IAlbaHost Host => fixture.Host;

    [Fact]
    public async Task A_requested_mint_is_confirmed_with_the_token_owned_by_the_wallet_and_the_points_spent()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 30, supply: 5, uri: "ipfs://bafyreward/first.json");
        var (fan, wallet) = await fixture.FanWithWalletAsync();

        var accepted = await Host.RequestMintAsync(fan, reward.Id);
        accepted.Status.ShouldBe("queued");

        var mint = await Host.WaitForMintAsync(accepted.MintId, MintView.Confirmed);
        mint.TokenId.ShouldNotBeNull();
        mint.TxHash.ShouldNotBeNull();
        var owner = await fixture.Admin.QueryAsync<OwnerOfFunction, string>(fixture.Deployment.RewardsContract, new OwnerOfFunction { TokenId = mint.TokenId.Value });
        owner.ShouldBe(wallet.GetPublicAddress(), StringCompareShould.IgnoreCase);
        (await fixture.Admin.QueryAsync<TokenUriFunction, string>(fixture.Deployment.RewardsContract, new TokenUriFunction { TokenId = mint.TokenId.Value }))
            .ShouldBe("ipfs://bafyreward/first.json");
        (await fixture.Admin.TokenIdForRequestAsync(fixture.Deployment.RewardsContract, accepted.RequestId)).ShouldBe(mint.TokenId.Value);

        var balance = await Host.BalanceAsync(fan);
        balance.Spent.ShouldBe(30);
        balance.Held.ShouldBe(0);
        (await Host.GetJsonAsync<Xylo.Projections.Rewards.RewardView>($"/rewards/{reward.Id}"))!.Remaining.ShouldBe(4);
        await Eventually.Get(() => Task.FromResult(fixture.Slack.Received.ToArray()),
            received => received.Any(m => m.Text.Contains($"token {mint.TokenId}", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        fixture.Slack.Received.ShouldContain(m => m.Channel == "#monitoring" && m.Text.Contains($"NFT minted: token {mint.TokenId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_retried_request_with_the_same_idempotency_key_is_one_mint()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 10);
        var (fan, _) = await fixture.FanWithWalletAsync();
        var key = Guid.NewGuid().ToString();

        var first = await Host.RequestMintAsync(fan, reward.Id, key);
        var again = await Host.RequestMintAsync(fan, reward.Id, key);

        again.MintId.ShouldBe(first.MintId);
        await Host.WaitForMintAsync(first.MintId, MintView.Confirmed);
        (await Host.BalanceAsync(fan)).Spent.ShouldBe(10);
        var mine = await Host.GetJsonAsync<List<MintView>>("/me/mints", fan);
        mine.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Requests_that_cannot_be_met_are_refused_with_nothing_held()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var dear = await Host.CreateRewardAsync(admin, cost: 5000);
        var soldOut = await Host.CreateRewardAsync(admin, cost: 10, supply: 1);
        var (fan, _) = await fixture.FanWithWalletAsync();
        var noWallet = await Host.DevSignInAsync();
        var (suspended, _) = await fixture.FanWithWalletAsync();
        await Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "abuse" }).ToUrl($"/admin/users/{suspended.User.Id}/suspension");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(204);
        });
        var last = await Host.RequestMintAsync(fan, soldOut.Id);
        await Host.WaitForMintAsync(last.MintId, MintView.Confirmed);
        // Counted on the streams these requests could touch: other hosts' redelivered messages may write elsewhere.
        Guid[] streams = [fan.User.Id, noWallet.User.Id, suspended.User.Id, dear.Id, soldOut.Id];
        var before = await TouchedAsync(streams);

        await Refused(fan, dear.Id, 409, "insufficient points");
        await Refused(fan, soldOut.Id, 409, "sold out");
        await Refused(noWallet, soldOut.Id, 409, "link a wallet");
        await Refused(suspended, soldOut.Id, 401, null);
        await Refused(fan, Guid.NewGuid(), 404, "no reward");

        (await TouchedAsync(streams)).ShouldBe(before);
        (await Host.BalanceAsync(noWallet)).Held.ShouldBe(0);
    }

    [Fact]
    public async Task A_paused_contract_defers_mints_and_unpausing_resumes_them()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 10);
        var (fan, _) = await fixture.FanWithWalletAsync();
        await SetPausedAsync(admin, "pause", expectPaused: true);
        try
        {
            var accepted = await Host.RequestMintAsync(fan, reward.Id);
            var deferred = await Host.WaitForMintAsync(accepted.MintId, MintView.Deferred);
            deferred.Reason.ShouldNotBeNull().ShouldContain("paused");
            (await Host.BalanceAsync(fan)).Held.ShouldBe(10);

            await SetPausedAsync(admin, "unpause", expectPaused: false);
            await Host.WaitForMintAsync(accepted.MintId, MintView.Confirmed);
            (await Host.BalanceAsync(fan)).Spent.ShouldBe(10);
        }
        finally
        {
            await SetPausedAsync(admin, "unpause", expectPaused: false);
        }
    }

    [Fact]
    public async Task A_mint_the_contract_refuses_fails_and_gives_the_points_and_supply_back()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 25, supply: 3);
        var (fan, _) = await fixture.FanWithWalletAsync();
        await fixture.Admin.SendAsync(fixture.Deployment.RewardsContract, new RevokeRoleFunction { Role = XyloRoles.Minter, Account = MintFixture.Signer });
        try
        {
            var accepted = await Host.RequestMintAsync(fan, reward.Id);

            var failed = await Host.WaitForMintAsync(accepted.MintId, MintView.Failed);
            failed.Reason.ShouldNotBeNull().ShouldContain("AccessControlUnauthorizedAccount");
            var balance = await Host.BalanceAsync(fan);
            balance.Held.ShouldBe(0);
            balance.Spent.ShouldBe(0);
            balance.Available.ShouldBe(100);
            (await Host.GetJsonAsync<Xylo.Projections.Rewards.RewardView>($"/rewards/{reward.Id}"))!.Remaining.ShouldBe(3);
            await Eventually.Get(() => Task.FromResult(fixture.Slack.Received.ToArray()),
                received => received.Any(m => m.Channel == "#alerts" && m.Text.Contains(accepted.MintId.ToString(), StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
            fixture.Slack.Received.ShouldContain(m => m.Channel == "#alerts" && m.Text.Contains(accepted.MintId.ToString(), StringComparison.Ordinal));
        }
        finally
        {
            await fixture.Admin.SendAsync(fixture.Deployment.RewardsContract, new GrantRoleFunction { Role = XyloRoles.Minter, Account = MintFixture.Signer });
        }
    }

    [Fact]
    public async Task Slack_being_down_does_not_hold_up_a_mint()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 10);
        var (fan, _) = await fixture.FanWithWalletAsync();
        fixture.Slack.Down = true;
        var refused = fixture.Slack.Refused;
        try
        {
            var accepted = await Host.RequestMintAsync(fan, reward.Id);
            await Host.WaitForMintAsync(accepted.MintId, MintView.Confirmed);
            // The notice of this mint really met a Slack that was down, and the mint was confirmed all the same.
            (await Eventually.Get(() => Task.FromResult(fixture.Slack.Refused), n => n > refused, TimeSpan.FromSeconds(30)))
                .ShouldBeGreaterThan(refused, "no notice reached Slack while it was down");
        }
        finally
        {
            fixture.Slack.Down = false;
        }
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_give_two_hundred_distinct_tokens_and_no_nonce_gap()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 20, supply: 200);
        var fans = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => fixture.FanWithWalletAsync()));

        var requests = fans.SelectMany(f => Enumerable.Range(0, 4).Select(_ => f.User)).Select(user => Host.RequestMintAsync(user, reward.Id));
        var accepted = await Task.WhenAll(requests);

        var mints = new List<MintView>();
        foreach (var mint in accepted) mints.Add(await Host.WaitForMintAsync(mint.MintId, MintView.Confirmed, seconds: 120));
        mints.Select(m => m.TokenId).Distinct().Count().ShouldBe(200);
        mints.Select(m => m.Nonce).Distinct().Count().ShouldBe(200);
        foreach (var mint in mints.Take(20))
        {
            (await fixture.Admin.MintLogsForRequestAsync(fixture.Deployment.RewardsContract, mint.RequestId)).ShouldBe(1);
        }

        var chain = await Host.GetJsonAsync<Xylo.Api.Features.Contracts.ChainStatus>("/admin/chain", admin);
        chain!.Nonces.Local.ShouldBe(chain.Nonces.ChainLatest);
        chain.Nonces.ChainPending.ShouldBe(chain.Nonces.ChainLatest);
        (await Host.GetJsonAsync<Xylo.Projections.Rewards.RewardView>($"/rewards/{reward.Id}"))!.Remaining.ShouldBe(0);
    }

    [Fact]
    public async Task Concurrent_requests_for_the_last_units_mint_exactly_the_supply_and_give_the_others_their_points_back()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 10, supply: 3);
        var fans = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.FanWithWalletAsync()));

        // Eight fans, two requests each, all at once, for three units.
        var answers = await Task.WhenAll(fans.SelectMany(f => new[] { f.User, f.User }).Select(async fan =>
        {
            var result = await Host.Scenario(s =>
            {
                s.Post.Json(new { rewardId = reward.Id }).ToUrl("/me/mints");
                s.WithBearer(fan);
                s.IgnoreStatusCode();
            });
            return (Fan: fan, Status: result.Context.Response.StatusCode, Body: await result.ReadAsTextAsync());
        }));

        answers.Select(a => a.Status).Distinct().ShouldBeSubsetOf([202, 409]);
        answers.Where(a => a.Status == 409).ShouldAllBe(a => a.Body.Contains("sold out"));
        var accepted = answers.Where(a => a.Status == 202).Select(a => (a.Fan, Mint: System.Text.Json.JsonSerializer.Deserialize<MintAccepted>(a.Body, Json)!)).ToList();
        accepted.Count.ShouldBeGreaterThanOrEqualTo(3);
        var ends = new List<(Xylo.Api.Features.Auth.TokenResponse Fan, MintView Mint)>();
        foreach (var (fan, mint) in accepted)
        {
            var end = await Eventually.Get(() => Host.MintAsync(mint.MintId), m => m is { Status: MintView.Confirmed or MintView.Failed }, TimeSpan.FromSeconds(90));
            ends.Add((fan, end.ShouldNotBeNull()));
        }

        ends.Count(e => e.Mint.Status == MintView.Confirmed).ShouldBe(3, "exactly the supply is minted");
        ends.Where(e => e.Mint.Status == MintView.Failed).ShouldAllBe(e => e.Mint.Reason!.Contains("sold out"));
        foreach (var fan in fans.Select(f => f.User))
        {
            var balance = await Host.BalanceAsync(fan);
            balance.Held.ShouldBe(0);
            balance.Spent.ShouldBe(10 * ends.Count(e => e.Fan == fan && e.Mint.Status == MintView.Confirmed));
        }

        var view = await Host.GetJsonAsync<Xylo.Projections.Rewards.RewardView>($"/rewards/{reward.Id}");
        (view.Claimed, view.Remaining).ShouldBe((3, 0));
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await session.Events.FetchStreamAsync(reward.Id, token: TestContext.Current.CancellationToken)).Count(e => e.Data is Xylo.Domain.Rewards.RewardSupplyClaimed).ShouldBe(3);
        await Refused(fans[0].User, reward.Id, 409, "sold out");
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public async Task One_fans_concurrent_mints_of_a_reward_without_a_supply_limit_are_all_accepted_and_never_write_the_reward()
    {
        var admin = await Host.DevSignInAsync(null, "admin");
        var reward = await Host.CreateRewardAsync(admin, cost: 5);
        var (fan, _) = await fixture.FanWithWalletAsync();

        // Twenty at once from one fan: each waits for the one before it on the fan's account, none answers 409 (RequestMintAsync expects 202).
        var accepted = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Host.RequestMintAsync(fan, reward.Id)));

        foreach (var mint in accepted) await Host.WaitForMintAsync(mint.MintId, MintView.Confirmed, seconds: 120);
        var balance = await Host.BalanceAsync(fan);
        balance.Spent.ShouldBe(100);
        balance.Held.ShouldBe(0);
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await session.Events.FetchStreamStateAsync(reward.Id, TestContext.Current.CancellationToken))!.Version.ShouldBe(1, "only RewardCreated: no claim on a reward without a limit");
    }

    private async Task<(long Events, long Mints)> TouchedAsync(Guid[] streams)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.QueryAllRawEvents().Where(e => streams.Contains(e.StreamId)).LongCountAsync(),
            await session.Query<MintView>().Where(m => streams.Contains(m.UserId)).LongCountAsync());
    }

    /// <summary>A suspended user's token stops working altogether (401, before any mint rule is looked at).</summary>
    private async Task Refused(Xylo.Api.Features.Auth.TokenResponse user, Guid rewardId, int status, string? because)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { rewardId }).ToUrl("/me/mints");
            s.WithBearer(user);
            s.StatusCodeShouldBe(status);
        });
        if (because is not null) (await result.ReadJsonAsync()).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain(because);
    }

    private async Task SetPausedAsync(Xylo.Api.Features.Auth.TokenResponse admin, string action, bool expectPaused)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Url($"/admin/contracts/rewards/{action}");
            s.WithBearer(admin);
            s.StatusCodeShouldBeOk();
        });
        (await result.ReadJsonAsync()).GetProperty("paused").GetBoolean().ShouldBe(expectPaused);
    }
}
