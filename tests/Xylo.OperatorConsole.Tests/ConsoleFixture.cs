using System.Net.Http.Json;
using Microsoft.Playwright;
using Xylo.Api.Features.Auth;
using Xylo.Api.Tests.Support;

namespace Xylo.OperatorConsole.Tests;

/// <summary>
/// The API as a process of its own in Development (where the dev sign-in exists), on a database of its own, serving the
/// console on a real port; and the system's headless Chromium (Debian's <c>chromium</c>, which <c>./xylo test</c>
/// installs and names in <c>XYLO_CHROMIUM</c>) driven by Playwright, which never downloads a browser here.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private string _databaseUrl = null!;
    private IPlaywright _playwright = null!;

    public ApiHostProcess Api { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the screenshots go: <c>XYLO_CONSOLE_SCREENSHOTS</c> (docs/console to refresh the committed ones), else a temporary directory.</summary>
    public string Screenshots { get; } = Environment.GetEnvironmentVariable("XYLO_CONSOLE_SCREENSHOTS") is { Length: > 0 } directory
        ? Path.GetFullPath(directory)
        : Path.Combine(Path.GetTempPath(), "xylo-tests", "console", Guid.NewGuid().ToString("N"));

    public static string Chromium =>
        Environment.GetEnvironmentVariable("XYLO_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException(
                $"no Chromium at {Chromium}: ./xylo test installs Debian's chromium package (apt-get install chromium) and sets XYLO_CHROMIUM");
        }

        Directory.CreateDirectory(Screenshots);
        _databaseUrl = await TestDatabases.CreateAsync("console");
        Api = await ApiHostProcess.StartAsync(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = _databaseUrl,
            ["RateLimiting:KeyPrefix"] = $"test:{Guid.NewGuid():N}",
            ["Archive:Enabled"] = "false",
            // the committed generated code, as in Production: no Roslyn compile on each endpoint's first call
            ["CodeGeneration:TypeLoadMode"] = "Static",
        }, environment: "Development", api: ApiBuildOutput());
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>
    /// The API from its own build output (same configuration as the tests): at start JasperFx scans the assemblies beside
    /// it for extensions, and in this project's output it would load this test assembly, whose xunit attributes the API's
    /// dependency list cannot resolve (the process aborts).
    /// </summary>
    private static string ApiBuildOutput()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // …/bin/<configuration>/<tfm>
        var configuration = output.Parent!.Name;
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            var api = Path.Combine(directory.FullName, "src", "Xylo.Api", "bin", configuration, output.Name, "Xylo.Api.dll");
            if (File.Exists(api)) return api;
        }

        throw new InvalidOperationException($"no src/Xylo.Api/bin/{configuration}/{output.Name}/Xylo.Api.dll above {output.FullName}: build the solution");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Api is not null) await Api.DisposeAsync();
        if (_databaseUrl is not null) await TestDatabases.DropAsync(_databaseUrl);
    }

    /// <summary>Signs a user in over HTTP (registering them), as data for the pages to show.</summary>
    public async Task<TokenResponse> SignInAsync(string handle, params string[] roles)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/auth/dev/sign-in", UriKind.Relative))
        {
            Content = JsonContent.Create(new DevSignInRequest(handle, roles)),
        };
        using var response = await Api.SendAsync(request, CancellationToken.None);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    /// <summary>A page in a fresh context (no shared session), failing the test on any console error or CSP violation.</summary>
    public async Task<ConsolePage> OpenAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Api.Url,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        var console = new ConsolePage(context, page);
        page.Console += (_, message) => { if (message.Type == "error") console.Errors.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => console.Errors.Add($"page error: {error}");
        await page.GotoAsync("/console");
        return console;
    }
}

/// <summary>One browser page on the console, with what went wrong in it.</summary>
public sealed class ConsolePage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;
    public List<string> Errors { get; } = [];

    /// <summary>The dev sign-in form, with the roles ticked.</summary>
    public async Task SignInAsync(string handle, params string[] roles)
    {
        await Page.GetByLabel("Handle").FillAsync(handle);
        foreach (var role in roles) await Page.GetByRole(AriaRole.Checkbox, new() { Name = role }).CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in (development)" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
