namespace Xylo.Api.Operations.Security;

public static class SecurityHeadersSetup
{
    private const int OneYear = 31_536_000;

    /// <summary>The guide's CSP and HSTS, plus nosniff, a referrer policy and no framing.</summary>
    public static IApplicationBuilder UseXyloSecurityHeaders(this IApplicationBuilder app) =>
        app.UseSecurityHeaders(new HeaderPolicyCollection()
            .AddContentTypeOptionsNoSniff()
            .AddFrameOptionsDeny()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddCrossOriginOpenerPolicy(policy => policy.SameOrigin())
            .AddStrictTransportSecurityMaxAgeIncludeSubDomainsAndPreload(OneYear)
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                csp.AddScriptSrc().Self().UnsafeInline();
                csp.AddStyleSrc().Self().UnsafeInline();
                csp.AddImgSrc().Self().Data().From("https:");
                csp.AddFontSrc().Self().Data();
                csp.AddConnectSrc().Self();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().Self();
                csp.AddFormAction().Self();
                csp.AddFrameAncestors().None();
            })
            .RemoveServerHeader());
}
