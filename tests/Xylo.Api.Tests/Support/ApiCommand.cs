using System.Diagnostics;

namespace Xylo.Api.Tests.Support;

/// <summary>Runs the built Xylo.Api.dll with command-line arguments, as an operator would run a command.</summary>
public static class ApiCommand
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        IReadOnlyDictionary<string, string> environment, string? workingDirectory, params string[] args)
    {
        var api = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [api, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(api)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Logs__Console"] = "false";
        start.Environment["Logs__Directory"] = XyloHost.NewLogDirectory();
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
