using System.Text;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Points;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Points;
using Xylo.Projections.Users;

namespace Xylo.Api.Tests.Hardening;

/// <summary>The defects of issue 18, each a request that once answered 500 or wrote what it should not have.</summary>
[Collection(PointsCollection.Name)]
public sealed class BadRequestsTests(PointsFixture fixture)
{
    private static readonly string[] BodyEndpoints =
    [
        "POST /me/mints", "POST /me/wallet", "POST /me/referral", "POST /me/youtube/claims", "POST /admin/rewards", "POST /auth/refresh",
        "POST /auth/logout", "POST /points/awards", "PUT /admin/rules/signup", "POST /admin/points/{user}/adjustments",
        "POST /admin/points/{user}/holds", "POST /admin/points/{user}/holds/{hold}/void", "POST /admin/users/{user}/roles",
        "POST /admin/users/{user}/suspension",
    ];

    [Fact]
    public async Task A_null_or_missing_body_is_a_400_problem_on_every_endpoint_that_reads_one_and_nothing_is_written()
    {
        var admin = await AdminAsync();
        var before = await fixture.Host.EventCountAsync();
        foreach (var endpoint in BodyEndpoints)
        {
            var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1].Replace("{user}", admin.User.Id.ToString()).Replace("{hold}", Guid.NewGuid().ToString()));
            foreach (var body in new[] { "null", " null ", "" })
            {
                var result = await fixture.Host.Scenario(s =>
                {
                    (method == "PUT" ? s.Put : s.Post).Text(body).ToUrl(path);
                    s.WithRequestHeader("Content-Type", "application/json");
                    s.WithBearer(admin);
                    s.IgnoreStatusCode();
                });
                result.Context.Response.StatusCode.ShouldBe(400, $"{endpoint} with body '{body}'");
                result.Context.Response.ContentType.ShouldStartWith("application/problem+json", customMessage: endpoint);
            }
        }

        (await fixture.Host.EventCountAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("\u0000")]
    [InlineData("\u0007")]
    [InlineData("\u202e")]
    public async Task A_control_character_or_bidi_override_in_any_text_is_a_400_problem_and_no_batch_is_committed(string character)
    {
        var user = await fixture.SignInWithXAsync();
        var before = await fixture.Host.EventCountAsync();

        // The bad entry is in the second batch: the first once committed before the database refused the NUL.
        var awards = Enumerable.Range(0, AwardPointsEndpoint.BatchSize + 10)
            .Select(i => new AwardEntry(user.User.Id, 1, i == AwardPointsEndpoint.BatchSize + 5 ? $"bad{character}reason" : $"entry {i}", null)).ToList();
        await fixture.Host.AwardAsync(new AwardRequest(null, null, null, null, awards), expected: 400);
        var referral = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RedeemReferralRequest($"AB{character}CD")).ToUrl("/me/referral");
            s.WithBearer(user);
            s.IgnoreStatusCode();
        });
        referral.Context.Response.StatusCode.ShouldBe(400);
        var problem = await referral.ReadAsTextAsync();
        problem.ShouldNotContain("Xylo.");
        problem.ShouldContain("control character", Case.Sensitive, "the problem says what is wrong with the text, not that the JSON is invalid");

        (await fixture.Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task An_adjustment_for_an_id_that_is_no_user_is_a_404_and_appends_nothing()
    {
        var admin = await AdminAsync();
        var before = await fixture.Host.EventCountAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new AdjustmentRequest(50, "goodwill")).ToUrl($"/admin/points/{Guid.NewGuid()}/adjustments");
            s.WithBearer(admin);
            s.StatusCodeShouldBe(404);
        });

        (await fixture.Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_refused_single_award_is_a_problem_while_the_bulk_form_answers_per_entry()
    {
        var user = await fixture.SignInWithXAsync();

        await fixture.Host.AwardAsync(new AwardEntry(user.User.Id, 0, "nothing", null), expected: 400);
        await fixture.Host.AwardAsync(new AwardEntry(user.User.Id, 5, new string('x', 501), null), expected: 400);
        var bulk = await fixture.Host.AwardAsync(new AwardRequest(null, null, null, null, [new AwardEntry(user.User.Id, 0, "nothing", null)]));
        bulk.Failed.ShouldBe(1);
    }

    [Fact]
    public async Task A_partial_rule_change_keeps_the_fields_it_leaves_out()
    {
        var admin = await AdminAsync();
        var current = await RuleAsync(admin, EarningRule.VaultDepositId);

        var result = await fixture.Host.Scenario(s =>
        {
            s.Put.Json(new { expiryDays = current.ExpiryDays }).ToUrl($"/admin/rules/{EarningRule.VaultDepositId}");
            s.WithBearer(admin);
            s.StatusCodeShouldBeOk();
        });

        var changed = await result.ReadJsonAsync<EarningRule>();
        changed.ShouldBeEquivalentTo(current);
        (await RuleAsync(admin, EarningRule.VaultDepositId)).ShouldBeEquivalentTo(current);
    }

    [Fact]
    public async Task A_hold_of_a_mint_cannot_be_posted_or_voided_by_hand()
    {
        var user = await fixture.SignInWithXAsync();
        await fixture.Host.WaitForSignUpBonusAsync(user.User.Id);
        var mintId = Guid.CreateVersion7();
        var store = fixture.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            // What requesting a mint appends to the account (the hold id is the mint id).
            var account = await session.Events.FetchForWriting<PointsAccount>(user.User.Id, TestContext.Current.CancellationToken);
            var now = DateTimeOffset.UtcNow;
            var reserve = PointsDecisions.Reserve(account.Aggregate, new ReservePoints(user.User.Id, mintId, 10, $"{Hold.MintPurposePrefix}{mintId}", now.AddMinutes(30)), now);
            account.AppendMany(reserve.Events);
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        foreach (var action in new[] { "post", "void" })
        {
            await fixture.Host.Scenario(s =>
            {
                s.Post.Json(new VoidHoldRequest("by hand")).ToUrl($"/admin/points/{user.User.Id}/holds/{mintId}/{action}");
                s.WithRequestHeader("X-Api-Key", PointsFixture.IntegrationKey);
                s.StatusCodeShouldBe(409);
            });
        }

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new PlaceHoldRequest(5, $"{Hold.MintPurposePrefix}{Guid.NewGuid()}", null)).ToUrl($"/admin/points/{user.User.Id}/holds");
            s.WithRequestHeader("X-Api-Key", PointsFixture.IntegrationKey);
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task An_access_token_without_an_expiry_is_refused()
    {
        var user = await fixture.SignInWithXAsync();
        var auth = fixture.Host.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var configuration = fixture.Host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Claims = new Dictionary<string, object> { [CurrentUser.SubjectClaim] = user.User.Id.ToString() },
            SigningCredentials = new SigningCredentials(TokenIssuer.SigningKey(configuration), SecurityAlgorithms.HmacSha256),
        });

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me");
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task Token_responses_are_never_stored_by_a_cache()
    {
        var user = await fixture.SignInWithXAsync();

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new RefreshRequest(user.RefreshToken)).ToUrl("/auth/refresh");
            s.StatusCodeShouldBeOk();
        });

        result.Context.Response.Headers.CacheControl.ToString().ShouldBe("no-store");
    }

    [Fact]
    public async Task A_user_whose_profile_row_is_gone_while_the_view_is_rebuilt_is_still_signed_in()
    {
        var user = await fixture.SignInWithXAsync();
        await using (var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            // What a rebuild of the UserProfile view does to every row until it reaches this user's events.
            session.Delete<UserProfile>(user.User.Id);
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/me/points");
            s.WithBearer(user);
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public async Task A_database_outage_is_a_503_with_retry_after_not_a_500()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/probe/database-down");
            s.StatusCodeShouldBe(503);
        });

        result.Context.Response.Headers.RetryAfter.ToString().ShouldNotBeNullOrEmpty();
        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        (await result.ReadAsTextAsync()).ShouldNotContain("5432");
    }

    private Task<TokenResponse> AdminAsync() => fixture.SignInWithXAsync(new FakeXUser("points-admin", "ops", "Ops"));

    private async Task<EarningRule> RuleAsync(TokenResponse admin, string id) =>
        (await (await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/admin/rules");
            s.WithBearer(admin);
        })).ReadJsonAsync<List<EarningRule>>()).Single(r => r.Id == id);
}
