using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Mints;

namespace Xylo.Api.Tests.Support;

/// <summary>
/// The built Xylo.Api.dll serving HTTP as a process of its own, against the test stack: for what only a real process
/// shows, such as being killed with SIGKILL (no shutdown code runs, nothing is flushed).
/// </summary>
public sealed class ApiHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private ApiHostProcess(Process process, string url)
    {
        _process = process;
        Url = url;
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Where the process listens (<c>http://127.0.0.1:port</c>).</summary>
    public string Url { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <param name="settings">Configuration as for an in-process host (<c>Section:Key</c>), passed as environment variables.</param>
    /// <param name="environment">The ASP.NET Core environment.</param>
    /// <param name="api">The API's assembly (default: the copy beside the tests).</param>
    public static async Task<ApiHostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string environment = XyloHost.Environment,
        string? api = null)
    {
        var url = $"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
        api ??= typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [api])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(api)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["DATABASE_URL"] = TestStack.DatabaseUrl;
        start.Environment["REDIS_URL"] = TestStack.RedisUrl;
        start.Environment["JWT_SECRET"] = "xylo-tests-signing-key-0123456789abcdef";
        start.Environment["RateLimiting__PermitLimit"] = "100000";
        start.Environment["Logs__Console"] = "false";
        start.Environment["Vault__Enabled"] = "false"; // one vault indexer per database: the vault tests' (XyloHost)
        start.Environment["Logs__Directory"] = XyloHost.NewLogDirectory();
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new ApiHostProcess(process, url);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the API process exited with {process.ExitCode} before it was ready");
            try
            {
                using var ready = await host._http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK) return host;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await host.DisposeAsync();
                throw new TimeoutException("the API process was not ready within 120 s");
            }

            await Task.Delay(250);
        }
    }

    public async Task<MintAccepted> RequestMintAsync(TokenResponse user, Guid rewardId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/me/mints", UriKind.Relative)) { Content = JsonContent.Create(new { rewardId }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        using var response = await _http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /me/mints answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<MintAccepted>())!;
    }

    /// <summary>Any request to the process (relative URI), for callers that shape their own.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellation) => _http.SendAsync(request, cancellation);

    /// <summary>
    /// A request with a JSON body (or none) and an optional bearer token and client address (X-Forwarded-For, honoured when
    /// <c>RateLimiting:TrustedProxies</c> lists the loopback); the JSON answer, after checking the status.
    /// </summary>
    public async Task<JsonElement> JsonAsync(HttpMethod method, string path, object? body = null, string? token = null, string? client = null,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await SendJsonAsync(method, path, body, token, client);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            throw new InvalidOperationException($"{method} {path} on {Url} answered {(int)response.StatusCode}, not {(int)expected}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, object? body = null, string? token = null, string? client = null,
        CancellationToken cancellation = default)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null) request.Content = JsonContent.Create(body);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (client is not null) request.Headers.Add("X-Forwarded-For", client);
        return await _http.SendAsync(request, cancellation);
    }

    /// <summary>SIGTERM: the host shuts down gracefully (drains, releases its leases); waits for the exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGKILL: the process ends where it is.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        _http.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
