using System.Diagnostics;
using System.Globalization;

namespace Xylo.Benchmarks;

/// <summary>The API as a separate OS process (the Release build), started and stopped by the harness.</summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process process;

    private ApiProcess(Process process, double readySeconds)
    {
        this.process = process;
        ReadySeconds = readySeconds;
    }

    public int Pid => process.Id;

    /// <summary>Seconds from process start until <c>GET /health/ready</c> answered 200.</summary>
    public double ReadySeconds { get; }

    public static async Task<ApiProcess> StartAsync(BenchOptions options, HttpClient http, CancellationToken cancellation,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        await ApplySchemaAsync(options, settings, cancellation);
        var info = Command(options, [], settings);
        info.Environment["ASPNETCORE_URLS"] = options.ApiUrl;

        var clock = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the API");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data)) Console.Error.WriteLine($"  api stderr: {e.Data}");
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = TimeSpan.FromSeconds(60);
        while (clock.Elapsed < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"the API exited with code {process.ExitCode} before it was ready");
            try
            {
                using var response = await http.GetAsync(new Uri(options.ApiUrl + "/health/ready"), cancellation);
                if (response.IsSuccessStatusCode) return new ApiProcess(process, clock.Elapsed.TotalSeconds);
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(20, cancellation);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("the API was not ready within 60 s");
    }

    /// <summary>
    /// <c>db-apply</c> before a start, as a deployment runs it: the API itself, like in Production, neither diffs nor
    /// migrates the schema when it starts, so the time to ready does not include it.
    /// </summary>
    private static async Task ApplySchemaAsync(BenchOptions options, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellation)
    {
        using var process = Process.Start(Command(options, ["db-apply"], settings)) ?? throw new InvalidOperationException("could not start db-apply");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"db-apply failed with exit code {process.ExitCode}:{Environment.NewLine}{await output}{await errors}");
        }
    }

    /// <summary>
    /// <c>dotnet Xylo.Api.dll [args]</c> configured as the bench API is: the bench stack, Development settings from the
    /// build output (the content root is the working directory) but Production's start (the committed generated code,
    /// no schema migration), logs to files; <paramref name="settings"/> on top.
    /// </summary>
    public static ProcessStartInfo Command(BenchOptions options, IEnumerable<string> args, IReadOnlyDictionary<string, string>? settings)
    {
        var info = new ProcessStartInfo("dotnet", [options.ApiDll, .. args])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = options.ApiDirectory,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DATABASE_URL"] = options.DatabaseUrl;
        info.Environment["REDIS_URL"] = options.RedisUrl;
        info.Environment["RateLimiting__PermitLimit"] = options.PermitLimit;
        info.Environment["INTEGRATION_API_KEYS"] = options.ApiKey;
        info.Environment["Logs__Console"] = "false";
        info.Environment["Logs__Directory"] = options.LogDirectory;
        // The bench database is recreated each run; an archive left by an earlier run would not match it.
        // Scenarios that measure the archive turn it on with a fresh directory.
        info.Environment["Archive__Enabled"] = "false";
        // Development only for its dev sign-in and development secrets; the start is Production's.
        info.Environment["CodeGeneration__TypeLoadMode"] = "Static";
        info.Environment["Database__ApplyChangesOnStartup"] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return info;
    }

    /// <summary>Peak resident set size (VmHWM) in MB, from the kernel.</summary>
    public double PeakRssMb() => ReadStatusKb("VmHWM:") / 1024.0;

    public double RssMb() => ReadStatusKb("VmRSS:") / 1024.0;

    public int Threads() => (int)ReadStatusKb("Threads:");

    private long ReadStatusKb(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            // SIGTERM first so the host shuts down cleanly; SIGKILL if it does not within 15 s.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
    }
}
