using System.Diagnostics;

namespace Xylo.Api.Tests.Support;

/// <summary>Runs the checkout's <c>./xylo</c> entry script (commands that need neither a stack nor a build).</summary>
public static class XyloScript
{
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Repository.PathOf("xylo"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root(),
        };
        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(300), TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await errors);
    }
}
