using System.Diagnostics;

namespace Xylo.Api.Tests.Support;

/// <summary>Runs the built Xylo.Api.dll as the real program (a command-line command), against the test stack unless told otherwise.</summary>
public static class XyloCli
{
    public static Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunInAsync(null, environment, args);

    /// <summary>Runs the program in <paramref name="workingDirectory"/> (where a command writes its files).</summary>
    public static async Task<(int ExitCode, string Output)> RunInAsync(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var api = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [api, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(api)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DATABASE_URL"] = TestStack.DatabaseUrl;
        start.Environment["REDIS_URL"] = TestStack.RedisUrl;
        start.Environment["JWT_SECRET"] = "xylo-tests-signing-key-0123456789abcdef";
        start.Environment["Logs__Console"] = "false";
        start.Environment["Logs__Directory"] = XyloHost.NewLogDirectory();
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet Xylo.Api.dll {string.Join(' ', args)} did not finish within 120 s");
        }

        return (process.ExitCode, await output + await errors);
    }

    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunAsync(null, args);
}
