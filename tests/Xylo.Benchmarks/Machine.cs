using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Xylo.Benchmarks;

internal static class Machine
{
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    public static async Task<Dictionary<string, object?>> FactsAsync(BenchOptions options, string postgresVersion)
    {
        var memTotalKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : RuntimeInformation.OSDescription;
        var cpuModel = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var redisInfo = await RunAsync("redis-cli", "-h", "127.0.0.1", "-p", options.RedisPort.ToString(CultureInfo.InvariantCulture), "info", "server");
        var redisVersion = redisInfo.Split('\n').FirstOrDefault(l => l.StartsWith("redis_version:", StringComparison.Ordinal))?.Split(':')[1].Trim();
        var commit = await RunAsync("git", "-C", options.Root, "rev-parse", "HEAD");
        var dirty = (await RunAsync("git", "-C", options.Root, "status", "--porcelain", "--untracked-files=no")).Length > 0;
        return new Dictionary<string, object?>
        {
            ["cores"] = Environment.ProcessorCount,
            ["cpu"] = cpuModel,
            ["memoryGb"] = Math.Round(long.Parse(memTotalKb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0, 1),
            ["os"] = os,
            ["kernel"] = RuntimeInformation.OSDescription,
            ["dotnetSdk"] = await RunAsync("dotnet", "--version"),
            ["dotnetRuntime"] = RuntimeInformation.FrameworkDescription,
            ["postgres"] = postgresVersion,
            ["redis"] = redisVersion,
            ["commit"] = commit,
            ["workingTreeDirty"] = dirty,
        };
    }
}

/// <summary>CPU time (from /proc) of the API, the bench stack's PostgreSQL and Redis, the harness and the whole machine.</summary>
internal sealed class CpuSampler
{
    private const double TicksPerSecond = 100.0; // USER_HZ on Linux
    private readonly int apiPid;
    private readonly int postmasterPid;
    private readonly int redisPid;
    private readonly Dictionary<string, double> start;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public CpuSampler(int apiPid, int postmasterPid, int redisPid)
    {
        this.apiPid = apiPid;
        this.postmasterPid = postmasterPid;
        this.redisPid = redisPid;
        start = Sample();
    }

    /// <summary>Cores used on average since construction, per process group.</summary>
    public Dictionary<string, double> CoresUsed()
    {
        var end = Sample();
        var seconds = clock.Elapsed.TotalSeconds;
        return end.ToDictionary(kv => kv.Key, kv => Math.Round((kv.Value - start.GetValueOrDefault(kv.Key)) / seconds, 2));
    }

    private Dictionary<string, double> Sample()
    {
        double postgres = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (pid == postmasterPid || ParentOf(pid) == postmasterPid) postgres += ProcessSeconds(pid);
        }

        var cpuLine = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var fields = cpuLine.Skip(1).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Sum() - fields[3] - (fields.Length > 4 ? fields[4] : 0); // minus idle and iowait
        return new Dictionary<string, double>
        {
            ["api"] = ProcessSeconds(apiPid),
            ["postgres"] = postgres,
            ["redis"] = ProcessSeconds(redisPid),
            ["harness"] = ProcessSeconds(Environment.ProcessId),
            ["machine"] = busy / TicksPerSecond,
        };
    }

    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ParentOf(int pid) => StatFields(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : -1;

    // fields after the command: state(0) ppid(1) ... utime(11) stime(12)
    private static double ProcessSeconds(int pid) => StatFields(pid) is { } f
        ? (double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture)) / TicksPerSecond
        : 0;
}
