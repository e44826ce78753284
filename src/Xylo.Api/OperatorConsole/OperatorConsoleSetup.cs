using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Xylo.Api.OperatorConsole;

/// <summary>
/// The operator console at <c>/console/</c>: static HTML, CSS and ES modules embedded in this assembly (no build step, no
/// framework), calling the API's own endpoints with an access token it keeps in memory.
/// </summary>
public static class OperatorConsoleSetup
{
    public const string Path = "/console";

    /// <summary>Before the rate limiter and authorization: the files are public and cheap; the API calls they make are not.</summary>
    public static WebApplication UseXyloOperatorConsole(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(OperatorConsoleSetup).Assembly, "Xylo.Api.OperatorConsole.site");
        app.Use((context, next) =>
        {
            if (!context.Request.Path.Equals(Path, StringComparison.Ordinal)) return next(context);
            context.Response.Redirect($"{Path}/");
            return Task.CompletedTask;
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = Path,
            // a new version of the API brings new files: revalidate each time (the ETag makes that a 304)
            OnPrepareResponse = file => file.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }
}
