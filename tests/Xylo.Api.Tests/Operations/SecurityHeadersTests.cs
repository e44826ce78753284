using Alba;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class SecurityHeadersTests(AppFixture fixture)
{
    [Fact]
    public async Task Responses_carry_the_guides_csp_and_hardening_headers()
    {
        var result = await fixture.Host.Scenario(s => s.Get.Url("/"));
        var headers = result.Context.Response.Headers;

        var csp = headers.ContentSecurityPolicy.ToString();
        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("script-src 'self' 'unsafe-inline'");
        csp.ShouldContain("style-src 'self' 'unsafe-inline'");
        csp.ShouldContain("img-src 'self' data: https:");
        csp.ShouldContain("frame-ancestors 'none'");
        headers.XContentTypeOptions.ToString().ShouldBe("nosniff");
        headers["Referrer-Policy"].ToString().ShouldBe("strict-origin-when-cross-origin");
        headers.XFrameOptions.ToString().ShouldBe("DENY");
        headers.ContainsKey("Server").ShouldBeFalse();
    }

    [Fact]
    public async Task Https_responses_carry_hsts_for_a_year_with_subdomains_and_preload()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/");
            s.ConfigureHttpContext(context =>
            {
                context.Request.Scheme = "https";
                context.Request.Host = new Microsoft.AspNetCore.Http.HostString("api.xylo.example");
            });
        });

        result.Context.Response.Headers.StrictTransportSecurity.ToString()
            .ShouldBe("max-age=31536000; includeSubDomains; preload");
    }

    [Fact]
    public async Task Errors_carry_the_same_headers()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/no/such/route");
            s.StatusCodeShouldBe(404);
        });

        result.Context.Response.Headers.ContentSecurityPolicy.ToString().ShouldContain("default-src 'self'");
        result.Context.Response.Headers.XContentTypeOptions.ToString().ShouldBe("nosniff");
    }
}
