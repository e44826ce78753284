using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Numerics;
using System.Text.Json;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Npgsql;
using Xylo.Api.Chain;
using Xylo.Api.Chain.Contracts;

namespace Xylo.Benchmarks;

internal sealed record VaultResult(IReadOnlyList<Row> Rows, object Figure);

/// <summary>
/// Vault indexer catch-up: N native deposits (anvil accounts 3–9, local nonces, concurrent) are mined before the API starts;
/// the API then indexes them from the deployment block. Timed from the API answering ready to <c>GET /admin/vault</c> showing the
/// cursor past the last deposit's block with N deposits counted (the indexer starts with the host, so a little of its work
/// may fall before ready: the figure is slightly optimistic by at most the ready time). Reference, same run, same chain: one
/// plain eth_getLogs pass over the same range with the same block batches (reading without writing anything).
/// </summary>
internal static class VaultScenario
{
    private const long ChainId = 80002;
    private const int BatchBlocks = 2000;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>anvil's accounts 0 and 3–9 ("test test … junk" mnemonic): public development keys, funded on every anvil.</summary>
    private static readonly string[] DepositorKeys =
    [
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
    ];

    private const string DeployerKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    public static async Task<VaultResult> RunAsync(BenchOptions options, HttpClient http, string goal, CancellationToken cancellation)
    {
        var n = options.VaultDeposits;
        var deployer = new Web3(new Account(DeployerKey, ChainId), options.AnvilUrl);
        var deployment = await ContractDeployer.DeployAsync(deployer, cancellation);
        Console.WriteLine($"bench: vault: contract {deployment.VaultContract} (block {deployment.DeploymentBlock}); sending {n:N0} deposits from {DepositorKeys.Length} accounts");

        var sendClock = Stopwatch.StartNew();
        var perAccount = (n + DepositorKeys.Length - 1) / DepositorKeys.Length;
        var hashes = new List<string>[DepositorKeys.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, DepositorKeys.Length), cancellation, async (a, ct) =>
        {
            var web3 = new Web3(new Account(DepositorKeys[a], ChainId), options.AnvilUrl);
            var handler = web3.Eth.GetContractTransactionHandler<DepositFunction>();
            var count = Math.Min(perAccount, n - (a * perAccount));
            hashes[a] = [];
            for (var i = 0; i < count; i++)
            {
                hashes[a].Add(await handler.SendRequestAsync(deployment.VaultContract, new DepositFunction { AmountToSend = BigInteger.Pow(10, 15), Gas = 100_000 }));
            }
        });
        var last = hashes.Where(h => h.Count > 0).Select(h => h[^1]).ToList();
        long lastBlock = 0;
        foreach (var hash in last)
        {
            TransactionReceipt? receipt = null;
            while ((receipt = await deployer.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash)) is null) await Task.Delay(200, cancellation);
            lastBlock = Math.Max(lastBlock, (long)receipt.BlockNumber.Value);
        }

        Console.WriteLine($"bench: vault: {n:N0} deposits mined by block {lastBlock} in {sendClock.Elapsed.TotalSeconds:F1} s");

        var readClock = Stopwatch.StartNew();
        var read = 0;
        for (var from = deployment.DeploymentBlock; from <= lastBlock; from += BatchBlocks)
        {
            read += (await deployer.Eth.Filters.GetLogs.SendRequestAsync(new NewFilterInput
            {
                Address = [deployment.VaultContract],
                FromBlock = new BlockParameter(new HexBigInteger(from)),
                ToBlock = new BlockParameter(new HexBigInteger(Math.Min(lastBlock, from + BatchBlocks - 1))),
            })).Length;
        }

        var rawSeconds = readClock.Elapsed.TotalSeconds;
        Console.WriteLine($"bench: vault: raw reference: {read:N0} logs read with eth_getLogs in {rawSeconds:F2} s");

        var settings = new Dictionary<string, string>
        {
            ["CHAIN_RPC_URL"] = options.AnvilUrl,
            ["PRIVATE_KEY"] = DepositorKeys[0],
            ["Chain__ChainId"] = ChainId.ToString(Inv),
            ["Chain__RewardsContract"] = deployment.RewardsContract,
            ["Chain__VaultContract"] = deployment.VaultContract,
            ["Chain__DeploymentBlock"] = deployment.DeploymentBlock.ToString(Inv),
            ["Chain__DeploymentBlockHash"] = deployment.DeploymentBlockHash,
            ["Mints__Enabled"] = "false",
            ["Vault__ConfirmationDepth"] = "0",
            ["Vault__BatchBlocks"] = BatchBlocks.ToString(Inv),
        };
        await using var api = await ApiProcess.StartAsync(options, http, cancellation, settings);
        var clock = Stopwatch.StartNew();
        var admin = await Program.SignInAsync(options, http, "bench-vault-admin-" + Guid.NewGuid().ToString("N")[..8], ["admin"], cancellation);
        long deposits = 0, cursor = 0;
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, options.ApiUrl + "/admin/vault");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            using var response = await http.SendAsync(request, cancellation);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation)).RootElement;
            cursor = body.GetProperty("cursor").ValueKind == JsonValueKind.Number ? body.GetProperty("cursor").GetInt64() : 0;
            deposits = body.GetProperty("totals").EnumerateArray().Sum(t => t.GetProperty("deposits").GetInt64());
            if (cursor >= lastBlock && deposits >= n) break;
            await Task.Delay(100, cancellation);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (deposits < n) throw new TimeoutException($"the vault indexer counted {deposits:N0} of {n:N0} deposits (cursor {cursor}, last deposit block {lastBlock}) after {seconds:F0} s");

        long streams;
        long observed;
        await using (var db = new NpgsqlConnection(options.Npgsql))
        {
            await db.OpenAsync(cancellation);
            await using var count = new NpgsqlCommand(
                "select count(distinct stream_id), count(*) from xylo.mt_events where type = 'vault_deposit_observed'", db);
            await using var reader = await count.ExecuteReaderAsync(cancellation);
            await reader.ReadAsync(cancellation);
            (streams, observed) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var perSecond = n / seconds;
        var rawPerSecond = read / rawSeconds;
        var checks = streams == n && observed == n ? "no duplicate, no gap" : $"MISMATCH: {streams:N0} streams, {observed:N0} observed events for {n:N0} deposits";
        Console.WriteLine($"bench: vault: indexed {n:N0} deposits in {seconds:F2} s after ready = {perSecond:F0} logs/s ({perSecond / rawPerSecond:F3} of a plain read); {checks}");
        Row[] rows =
        [
            new("vault", "vault indexer catch-up, logs/s", $"{perSecond:F0}/s", $"{rawPerSecond:F0}/s eth_getLogs only", $"{perSecond / rawPerSecond:F3}", goal,
                $"{n:N0} native deposits over {lastBlock - deployment.DeploymentBlock:N0} blocks (anvil 1 s blocks) indexed in {seconds:F1} s from API ready to GET /admin/vault caught up; " +
                $"{BatchBlocks:N0} blocks per range and per transaction; {checks}"),
        ];
        return new VaultResult(rows, new { deposits = n, blocks = lastBlock - deployment.DeploymentBlock, seconds, perSecond, rawSeconds, rawPerSecond, batchBlocks = BatchBlocks, streams, observed, apiReadySeconds = api.ReadySeconds, goal });
    }
}
