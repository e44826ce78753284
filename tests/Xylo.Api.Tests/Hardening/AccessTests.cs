using System.Security.Claims;
using Alba;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Hardening;

/// <summary>
/// Closed by default: every endpoint of the route table has an entry in <see cref="Table"/>, and each kind of caller gets in
/// exactly where the table says. An endpoint added without an entry fails <see cref="Every_endpoint_has_an_entry_in_the_access_table"/>.
/// </summary>
[Collection(PointsCollection.Name)]
public sealed class AccessTests(PointsFixture fixture)
{
    public enum Access
    {
        Anonymous,
        User,
        /// <summary>Any signed-in user; the endpoint answers only what the caller owns (anyone else's is a 404).</summary>
        Owner,
        Admin,
        Auditor,
        /// <summary>An admin or an integration key (<c>X-Api-Key</c>).</summary>
        AdminOrIntegrationKey,
    }

    public enum Caller { Anonymous, User, Admin, Auditor, IntegrationKey }

    /// <summary>The README's API section says the same, endpoint by endpoint.</summary>
    public static readonly IReadOnlyDictionary<string, Access> Table = new Dictionary<string, Access>
    {
        ["GET /"] = Access.Anonymous,
        ["* /health"] = Access.Anonymous,
        ["GET /health/ready"] = Access.Anonymous,
        ["* /metrics"] = Access.Anonymous,
        ["GET /openapi/{documentName}.json"] = Access.Anonymous,
        ["GET /docs/{documentName?}"] = Access.Anonymous,
        ["GET /docs/scalar.js"] = Access.Anonymous,
        ["GET /docs/scalar.aspnetcore.js"] = Access.Anonymous,
        ["GET /docs/favicon.svg"] = Access.Anonymous,
        ["GET /auth/x/login"] = Access.Anonymous,
        ["POST /auth/refresh"] = Access.Anonymous,
        ["POST /auth/logout"] = Access.Anonymous,
        ["POST /auth/dev/sign-in"] = Access.Anonymous,
        ["GET /leaderboard"] = Access.Anonymous,
        ["GET /rewards"] = Access.Anonymous,
        ["GET /rewards/{rewardId}"] = Access.Anonymous,

        ["GET /me"] = Access.User,
        ["GET /auth/wallet/nonce"] = Access.User,
        ["POST /me/wallet"] = Access.User,
        ["DELETE /me/wallet"] = Access.User,
        ["POST /me/youtube/claims"] = Access.User,
        ["POST /me/youtube/claims/{claimId}/verify"] = Access.Owner,
        ["GET /me/points"] = Access.User,
        ["GET /me/points/history"] = Access.User,
        ["POST /me/checkins"] = Access.User,
        ["GET /me/referral"] = Access.User,
        ["POST /me/referral"] = Access.User,
        ["GET /me/mints"] = Access.User,
        ["GET /me/vault"] = Access.User,
        ["POST /me/mints"] = Access.User,
        ["GET /mints/{mintId}"] = Access.Owner,

        ["POST /points/awards"] = Access.AdminOrIntegrationKey,
        ["POST /admin/points/{userId}/holds"] = Access.AdminOrIntegrationKey,
        ["POST /admin/points/{userId}/holds/{holdId}/post"] = Access.AdminOrIntegrationKey,
        ["POST /admin/points/{userId}/holds/{holdId}/void"] = Access.AdminOrIntegrationKey,

        ["POST /admin/points/{userId}/adjustments"] = Access.Admin,
        ["GET /admin/users"] = Access.Admin,
        ["GET /admin/rules"] = Access.Admin,
        ["PUT /admin/rules/{ruleId}"] = Access.Admin,
        ["POST /admin/cache/warm"] = Access.Admin,
        ["POST /admin/rewards"] = Access.Admin,
        ["POST /admin/rewards/{rewardId}/retirement"] = Access.Admin,
        ["POST /admin/users/{userId}/roles"] = Access.Admin,
        ["DELETE /admin/users/{userId}/roles/{role}"] = Access.Admin,
        ["POST /admin/users/{userId}/suspension"] = Access.Admin,
        ["DELETE /admin/users/{userId}/suspension"] = Access.Admin,
        ["GET /admin/projections"] = Access.Admin,
        ["POST /admin/projections/{name}/rebuild"] = Access.Admin,
        ["GET /admin/projections/rebuilds/{id}"] = Access.Admin,
        ["POST /admin/projections/{name}/pause"] = Access.Admin,
        ["POST /admin/projections/{name}/resume"] = Access.Admin,
        ["POST /admin/contracts/{contract}/pause"] = Access.Admin,
        ["POST /admin/contracts/{contract}/unpause"] = Access.Admin,
        ["GET /admin/chain"] = Access.Admin,
        ["GET /admin/vault"] = Access.Admin,
        ["POST /admin/vault/rescan"] = Access.Admin,

        ["GET /audit/events"] = Access.Auditor,
        ["GET /audit/streams/{id}"] = Access.Auditor,
        ["GET /audit/streams/{id}/state"] = Access.Auditor,
        ["GET /audit/integrity"] = Access.Auditor,
        ["GET /audit/export"] = Access.Auditor,
    };

    [Fact]
    public void Every_endpoint_has_an_entry_in_the_access_table()
    {
        var missing = Endpoints().Select(e => e.Key).Where(key => !Table.ContainsKey(key)).ToList();

        missing.ShouldBeEmpty("endpoints without an access entry (add them to AccessTests.Table and the README's API section)");
    }

    [Fact]
    public async Task Each_kind_of_caller_gets_in_exactly_where_the_table_says()
    {
        var wrong = new List<string>();
        foreach (var (key, endpoint) in Endpoints().Where(e => Table.ContainsKey(e.Key)))
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var allowed = await AllowsAsync(endpoint, caller);
                if (allowed != Expected(Table[key], caller)) wrong.Add($"{key}: {caller} {(allowed ? "gets in" : "is refused")}");
            }
        }

        wrong.ShouldBeEmpty();
    }

    [Fact]
    public async Task Over_http_an_anonymous_caller_gets_401_and_a_plain_user_403_wherever_they_are_not_admitted()
    {
        var user = await fixture.SignInWithXAsync();
        var wrong = new List<string>();
        foreach (var (key, _) in Endpoints().Where(e => Table.TryGetValue(e.Key, out var access) && access != Access.Anonymous))
        {
            var method = key.Split(' ')[0];
            var path = string.Join('/', key.Split(' ')[1].Split('/').Select(segment => segment.StartsWith('{') ? Guid.NewGuid().ToString() : segment));
            if (await StatusAsync(method, path, null) != 401) wrong.Add($"{key}: anonymous is not a 401");
            var expectedForUser = Table[key] is Access.User or Access.Owner ? (int?)null : 403;
            if (expectedForUser is { } status && await StatusAsync(method, path, user) != status) wrong.Add($"{key}: a plain user is not a {status}");
        }

        wrong.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unknown_path_stays_a_404_for_an_anonymous_caller()
    {
        (await StatusAsync("GET", "/no/such/thing", null)).ShouldBe(404);
    }

    private async Task<int> StatusAsync(string method, string path, TokenResponse? bearer)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            switch (method)
            {
                case "POST": s.Post.Url(path); break;
                case "PUT": s.Put.Url(path); break;
                case "DELETE": s.Delete.Url(path); break;
                default: s.Get.Url(path); break;
            }

            if (bearer is not null) s.WithBearer(bearer);
            s.IgnoreStatusCode();
        });
        return result.Context.Response.StatusCode;
    }

    private static bool Expected(Access access, Caller caller) => access switch
    {
        Access.Anonymous => true,
        Access.User or Access.Owner => caller is Caller.User or Caller.Admin or Caller.Auditor,
        Access.Admin => caller is Caller.Admin,
        Access.Auditor => caller is Caller.Auditor,
        Access.AdminOrIntegrationKey => caller is Caller.Admin or Caller.IntegrationKey,
        _ => false,
    };

    /// <summary>What the authorization middleware decides: the endpoint's policies (or the fallback), for the caller as its scheme authenticates it.</summary>
    private async Task<bool> AllowsAsync(RouteEndpoint endpoint, Caller caller)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) return true;

        var services = fixture.Host.Services;
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
                         endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>())
                     ?? await provider.GetFallbackPolicyAsync();
        if (policy is null) return true;

        var schemes = policy.AuthenticationSchemes.Count > 0 ? policy.AuthenticationSchemes : [JwtBearerDefaults.AuthenticationScheme];
        var (scheme, principal) = Principal(caller);
        if (scheme is null || !schemes.Contains(scheme)) principal = new ClaimsPrincipal(new ClaimsIdentity());

        var context = new DefaultHttpContext { RequestServices = services, User = principal };
        context.SetEndpoint(endpoint);
        return (await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(principal, context, policy)).Succeeded;
    }

    private static (string? Scheme, ClaimsPrincipal Principal) Principal(Caller caller)
    {
        string[] roles = caller switch
        {
            Caller.User => ["user"],
            Caller.Admin => ["user", "admin"],
            Caller.Auditor => ["user", "auditor"],
            Caller.IntegrationKey => [ApiKeyAuthenticationHandler.IntegrationRole],
            _ => [],
        };
        if (caller == Caller.Anonymous) return (null, new ClaimsPrincipal(new ClaimsIdentity()));

        var scheme = caller == Caller.IntegrationKey ? ApiKeyAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme;
        var claims = roles.Select(role => new Claim(CurrentUser.RoleClaim, role)).Prepend(new Claim(CurrentUser.SubjectClaim, Guid.NewGuid().ToString()));
        return (scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, CurrentUser.SubjectClaim, CurrentUser.RoleClaim)));
    }

    /// <summary>Every endpoint of the host but the test assembly's own probes, keyed "METHOD /pattern" ("*" when any method).</summary>
    private IEnumerable<(string Key, RouteEndpoint Endpoint)> Endpoints() =>
        fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !e.RoutePattern.RawText!.StartsWith("/probe", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => ($"{method} {"/" + e.RoutePattern.RawText!.TrimStart('/')}", e)))
            .DistinctBy(e => e.Item1);
}
