using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xylo.Api.Tests.Support;

/// <summary>How a test's own anvil runs.</summary>
public sealed record AnvilOptions
{
    public long ChainId { get; init; } = 80002;

    /// <summary>Keep the chain in a state file, so a stop and start continues it instead of starting over.</summary>
    public bool KeepState { get; init; }
}

/// <summary>
/// A real anvil of the test's own on a free loopback port: stop, restart, mine, snapshot and revert it
/// without disturbing other tests. The binary comes from <c>XYLO_ANVIL</c> (set by <c>./xylo test</c>) or
/// from contracts/node_modules found above the test directory.
/// </summary>
public sealed class AnvilProcess(AnvilOptions? options = null) : IAsyncDisposable
{
    public const string BinaryVariable = "XYLO_ANVIL";
    private const string PackagedBinary = "contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

    /// <summary>anvil's first accounts (the "test test … junk" mnemonic), each funded with 10,000 ether.</summary>
    public static readonly IReadOnlyList<(string Address, string PrivateKey)> Accounts =
    [
        ("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
        ("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
        ("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"),
        ("0x90F79bf6EB2c4f870365E785982E1f101E93b906", "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"),
        ("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"),
        ("0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"),
        ("0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"),
        ("0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"),
        ("0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97"),
        ("0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"),
    ];

    private readonly AnvilOptions _options = options ?? new AnvilOptions();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "xylo-tests", $"anvil-{Guid.NewGuid():N}");
    private Process? _process;
    private int _requestId;

    public int Port { get; } = LoopbackPorts.Free();

    public string RpcUrl => $"http://127.0.0.1:{Port}";

    public long ChainId => _options.ChainId;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts anvil (again, on the same port) and returns once it answers eth_chainId.</summary>
    public async Task StartAsync()
    {
        if (IsRunning) return;
        Directory.CreateDirectory(_stateDirectory);
        var arguments = new List<string>
        {
            "--host", "127.0.0.1", "--port", Invariant(Port), "--chain-id", Invariant(_options.ChainId), "-q",
        };
        if (_options.KeepState) arguments.AddRange(["--state", Path.Combine(_stateDirectory, "state.json"), "--state-interval", "1"]);

        var start = new ProcessStartInfo(Binary(), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"anvil did not start ({start.FileName})");
        var output = new System.Text.StringBuilder();
        _process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (_process.HasExited)
            {
                string log;
                lock (output) log = output.ToString();
                throw new InvalidOperationException($"anvil exited with code {_process.ExitCode} on port {Port}:\n{log}");
            }

            try
            {
                if (await CallAsync("eth_chainId") is not null) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(25);
            }
        }
    }

    /// <summary>
    /// Stops anvil with SIGTERM, so that with <see cref="AnvilOptions.KeepState"/> it writes its state file
    /// on the way out; a later <see cref="StartAsync"/> continues the same chain.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process) return;
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Invariant(process.Id)]) { UseShellExecute = false }))
        {
            if (kill is not null) await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public Task MineAsync(int blocks = 1) => CallAsync("anvil_mine", Invariant(blocks));

    public Task SetAutomineAsync(bool enabled) => CallAsync("evm_setAutomine", enabled);

    /// <summary>The id of a snapshot of the whole chain state, for <see cref="RevertAsync"/>.</summary>
    public async Task<string> SnapshotAsync() => (await CallAsync("evm_snapshot"))!.GetValue<string>();

    /// <summary>Rolls the chain back to a snapshot (which is used up: take a new one to revert again).</summary>
    public async Task<bool> RevertAsync(string snapshotId) => (await CallAsync("evm_revert", snapshotId))!.GetValue<bool>();

    public async Task<long> BlockNumberAsync() =>
        long.Parse((await CallAsync("eth_blockNumber"))!.GetValue<string>()[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>One JSON-RPC call; an RPC error throws with anvil's message.</summary>
    public async Task<JsonNode?> CallAsync(string method, params object[] parameters)
    {
        var request = new { jsonrpc = "2.0", id = Interlocked.Increment(ref _requestId), method, @params = parameters };
        using var response = await _http.PostAsJsonAsync(new Uri(RpcUrl), request);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (body["error"] is { } error) throw new InvalidOperationException($"anvil {method} failed: {error.ToJsonString()}");
        return body["result"];
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _http.Dispose();
        if (Directory.Exists(_stateDirectory)) Directory.Delete(_stateDirectory, recursive: true);
    }

    /// <summary>The anvil binary: <c>XYLO_ANVIL</c>, else contracts/node_modules above the test's directory.</summary>
    public static string Binary()
    {
        if (Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{BinaryVariable}={configured} does not exist");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, PackagedBinary);
            if (File.Exists(candidate)) return candidate;
        }

        throw new InvalidOperationException(
            $"anvil not found: set {BinaryVariable} to its path, or run `npm ci` in contracts/ (./xylo test does both) so that {PackagedBinary} exists above {AppContext.BaseDirectory}");
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
