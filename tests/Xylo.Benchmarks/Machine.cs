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
        // docs/benchmarks.md is the harness's own output (its notes are edited between runs): not a change to what is measured.
        var dirty = (await RunAsync("git", "-C", options.Root, "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs/benchmarks.md")).Length > 0;
        return new Dictionary<string, object?>
        {
            ["cores"] = Environment.ProcessorCount,
            ["cpu"] = cpuModel,
            ["memoryGb"] = Math.Round(long.Parse(memTotalKb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0, 1),
            ["os"] = os,
            ["kernel"] = File.Exists("/proc/sys/kernel/osrelease") ? (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim() : RuntimeInformation.OSDescription,
            ["dotnetSdk"] = await RunAsync("dotnet", "--version"),
            ["dotnetRuntime"] = RuntimeInformation.FrameworkDescription,
            ["postgres"] = postgresVersion,
            ["redis"] = redisVersion,
            ["commit"] = commit,
            ["workingTreeDirty"] = dirty,
        };
    }
}

/// <summary>
/// CPU time (from /proc) of the API, the bench stack's PostgreSQL and Redis, the harness and the whole
/// machine between construction and <see cref="CoresUsed"/>, plus the busiest processes by name.
/// </summary>
internal sealed class CpuSampler
{
    private const double TicksPerSecond = 100.0; // USER_HZ on Linux
    private readonly int apiPid;
    private readonly int postmasterPid;
    private readonly int redisPid;
    private readonly (Dictionary<int, (string Comm, int Parent, double Seconds)> Processes, double Machine, double Steal) start;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public CpuSampler(int apiPid, int postmasterPid, int redisPid)
    {
        this.apiPid = apiPid;
        this.postmasterPid = postmasterPid;
        this.redisPid = redisPid;
        start = Sample();
    }

    /// <summary>Average cores used since construction: api, postgres, redis, harness, machine, steal.</summary>
    public Dictionary<string, double> CoresUsed() => Measure().Groups;

    public (Dictionary<string, double> Groups, List<string> Top) Measure()
    {
        var end = Sample();
        var seconds = clock.Elapsed.TotalSeconds;
        var delta = end.Processes.ToDictionary(kv => kv.Key, kv => (kv.Value.Comm, kv.Value.Parent,
            Seconds: kv.Value.Seconds - (start.Processes.TryGetValue(kv.Key, out var s) ? s.Seconds : 0)));
        // A child that exited in between (a PostgreSQL backend whose connection closed, a pgbench run) is gone from
        // the end sample, and its whole lifetime moved into its parent's reaped time (counted in Seconds): take back
        // what it had used before the start, once, from the parent.
        foreach (var (pid, gone) in start.Processes)
        {
            if (end.Processes.ContainsKey(pid) || !delta.TryGetValue(gone.Parent, out var parent)) continue;
            delta[gone.Parent] = parent with { Seconds = parent.Seconds - gone.Seconds };
        }

        double Of(Func<int, (string Comm, int Parent, double Seconds), bool> match) =>
            Math.Round(delta.Where(kv => match(kv.Key, kv.Value)).Sum(kv => kv.Value.Seconds) / seconds, 2);
        var groups = new Dictionary<string, double>
        {
            ["api"] = Of((pid, _) => pid == apiPid),
            ["postgres"] = Of((pid, p) => pid == postmasterPid || p.Parent == postmasterPid),
            ["redis"] = Of((pid, _) => pid == redisPid),
            ["harness"] = Of((pid, p) => pid == Environment.ProcessId || p.Comm == "pgbench"),
            ["machine"] = Math.Round((end.Machine - start.Machine) / seconds, 2),
            ["steal"] = Math.Round((end.Steal - start.Steal) / seconds, 2),
        };
        var top = delta.Where(kv => kv.Value.Seconds > 0)
            .GroupBy(kv => kv.Key == apiPid ? "api" : kv.Key == Environment.ProcessId ? "harness" : kv.Value.Comm)
            .Select(g => (Name: g.Key, Cores: g.Sum(kv => kv.Value.Seconds) / seconds))
            .OrderByDescending(t => t.Cores).Take(6)
            .Select(t => $"{t.Name} {t.Cores.ToString("F2", CultureInfo.InvariantCulture)}").ToList();
        return (groups, top);
    }

    private static (Dictionary<int, (string Comm, int Parent, double Seconds)> Processes, double Machine, double Steal) Sample()
    {
        var processes = new Dictionary<int, (string, int, double)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var f = stat[(close + 2)..].Split(' ');
                // after the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14): its own time plus
                // that of the children it has reaped, so exited children stay counted under their parent
                processes[pid] = (stat[(open + 1)..close], int.Parse(f[1], CultureInfo.InvariantCulture),
                    (double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture)
                     + double.Parse(f[13], CultureInfo.InvariantCulture) + double.Parse(f[14], CultureInfo.InvariantCulture)) / TicksPerSecond);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is already in user)
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6];
        return (processes, busy / TicksPerSecond, (fields.Length > 7 ? fields[7] : 0) / TicksPerSecond);
    }
}
