using System.Globalization;

namespace Xylo.Benchmarks;

internal sealed class BenchOptions
{
    public static readonly string[] AllScenarios = ["baseline", "earn", "contention", "projection-lag", "footprint", "rebuild", "mints", "restore", "audit", "vault"];

    public string Root { get; private set; } = Directory.GetCurrentDirectory();
    public int PgPort { get; private set; } = StackPorts.Get("BENCH_PG");
    public int RedisPort { get; private set; } = StackPorts.Get("BENCH_REDIS");
    public string Pgbench { get; private set; } = "/usr/lib/postgresql/15/bin/pgbench";
    public string Command { get; private set; } = "./xylo bench";
    public int Users { get; private set; } = 2000;
    public int PassSeconds { get; private set; } = 20;
    public int PgbenchSeconds { get; private set; } = 30;
    /// <summary>Events the audit scenario seeds (the goal is stated at a million; small runs prove the harness).</summary>
    public int AuditEvents { get; private set; } = 1_000_000;
    /// <summary>Mint requests the mints scenario sends (and raw reference sends); 300 unless told.</summary>
    public int Mints { get; private set; } = 300;

    public int VaultDeposits { get; private set; } = 10_000;
    public int AnvilPort { get; private set; } = StackPorts.Get("BENCH_ANVIL");
    /// <summary>Events seeded for the rebuild scenario (goal stated at ≥ 1,000,000).</summary>
    public int RebuildEvents { get; private set; } = 1_000_000;
    /// <summary>Events the restore scenario's archive must hold (goal stated at ≥ 1,000,000).</summary>
    public int RestoreEvents { get; private set; } = 1_000_000;
    public string ApiUrl { get; private set; } = $"http://127.0.0.1:{StackPorts.Get("BENCH_API")}";
    /// <summary>The highest limit the API's options accept (1..1,000,000 per 15-minute window); a full run sends well under it.</summary>
    public string PermitLimit { get; } = "1000000";
    public string ApiKey { get; } = "bench-" + Guid.NewGuid().ToString("N");
    public List<string> Scenarios { get; } = [];

    public string ApiDll => Path.Combine(Root, "src/Xylo.Api/bin/Release/net10.0/Xylo.Api.dll");
    public string BenchDir => Path.Combine(Root, ".local/bench");
    public string LogDirectory => Path.Combine(BenchDir, "logs");
    public string ResultsDir => Path.Combine(BenchDir, "results");
    public string DocsFile => Path.Combine(Root, "docs/benchmarks.md");
    public string DatabaseUrl => $"postgres://xylo:xylo@127.0.0.1:{PgPort}/xylo";
    public string RedisUrl => $"redis://127.0.0.1:{RedisPort}";
    public string AnvilUrl => $"http://127.0.0.1:{AnvilPort}";
    public string Npgsql => $"Host=127.0.0.1;Port={PgPort};Username=xylo;Password=xylo;Database=xylo;Pooling=false";
    public string ApiDirectory => Path.GetDirectoryName(ApiDll)!;

    public bool Wants(string scenario) => Scenarios.Contains(scenario);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--root": options.Root = Path.GetFullPath(Next()); break;
                case "--pg-port": options.PgPort = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--redis-port": options.RedisPort = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pgbench": options.Pgbench = Next(); break;
                case "--mints": options.Mints = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--vault-deposits": options.VaultDeposits = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--anvil-port": options.AnvilPort = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--api-port": options.ApiUrl = $"http://127.0.0.1:{int.Parse(Next(), CultureInfo.InvariantCulture)}"; break;
                case "--command": options.Command = Next(); break;
                case "--users": options.Users = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pass-seconds": options.PassSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pgbench-seconds": options.PgbenchSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--audit-events": options.AuditEvents = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rebuild-events": options.RebuildEvents = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--restore-events": options.RestoreEvents = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default:
                    if (args[i].StartsWith('-') || !AllScenarios.Contains(args[i]))
                    {
                        throw new ArgumentException($"unknown argument '{args[i]}' (scenarios: {string.Join(", ", AllScenarios)})");
                    }

                    options.Scenarios.Add(args[i]);
                    break;
            }
        }

        if (options.Scenarios.Count == 0) options.Scenarios.AddRange(AllScenarios);
        return options;
    }
}
