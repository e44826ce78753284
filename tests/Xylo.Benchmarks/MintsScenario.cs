using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Npgsql;
using Xylo.Api.Chain;
using Xylo.Api.Chain.Contracts;

using Xylo.Projections.Mints;

namespace Xylo.Benchmarks;

/// <param name="OtherCores">Cores used by processes outside the bench (anvil counts as the bench here) during the measured pass.</param>
internal sealed record MintsResult(IReadOnlyList<Row> Rows, object Figure, double OtherCores, List<string> Top);

/// <summary>
/// Mints end to end on the bench anvil (1 s blocks): contracts deployed by anvil account 0, the API signing as
/// account 1 (granted MINTER_ROLE), fans with SIWE-linked wallets spending their sign-up points on one reward.
/// M requests are sent concurrently and timed from the first request to the last <c>ConfirmedAt</c>. The
/// reference, in the same run on the same chain: account 2 (also a minter) sends the same number of mints
/// straight through Nethereum with local nonces, concurrently, timed until the chain has mined them all.
/// </summary>
internal static class MintsScenario
{
    private const int DeployerAccount = 0;
    private const int SignerAccount = 1;
    private const int RawAccount = 2;
    private const int MintsPerFan = 4;

    /// <summary>Untimed mints before the measured pass, one per fan from the sign-up points the pass leaves (100 − 4 × 20).</summary>
    private const int WarmUpMints = 8;
    private const long Cost = 20; // 4 × 20 fits the 100-point sign-up bonus
    private const long ChainId = 80002;
    private const int PollMilliseconds = 250;
    private const string MetadataUri = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/metadata.json";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>anvil's first accounts (the "test test … junk" mnemonic): public development keys, funded on every anvil.</summary>
    private static readonly string[] AnvilKeys =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    ];

    private sealed record Fan(string Token, string Wallet);

    private sealed record MintRow(Guid Id, string Status, string RequestId, long? TokenId, long? Nonce, long? BlockNumber,
        DateTimeOffset RequestedAt, DateTimeOffset? ConfirmedAt);

    public static async Task<MintsResult> RunAsync(BenchOptions options, HttpClient http, string goal, Func<int, CpuSampler> cpuFor,
        CancellationToken cancellation)
    {
        var m = options.Mints;
        var deployer = Web3For(options, DeployerAccount);
        var signer = new Account(AnvilKeys[SignerAccount], ChainId).Address;
        var rawMinter = new Account(AnvilKeys[RawAccount], ChainId).Address;

        Console.WriteLine($"bench: mints: deploying the contracts on {options.AnvilUrl} (1 s blocks) as {deployer.TransactionManager.Account.Address}");
        var deployment = await ContractDeployer.DeployAsync(deployer, cancellation);
        var grant = deployer.Eth.GetContractTransactionHandler<GrantRoleFunction>();
        foreach (var minter in new[] { signer, rawMinter })
        {
            var receipt = await grant.SendRequestAndWaitForReceiptAsync(deployment.RewardsContract,
                new GrantRoleFunction { Role = XyloRoles.Minter, Account = minter }, cancellation);
            if (receipt.Status?.Value != 1) throw new InvalidOperationException($"granting MINTER_ROLE to {minter} failed");
        }

        Console.WriteLine($"bench: mints: rewards contract {deployment.RewardsContract}; API signer {signer}, raw minter {rawMinter}");
        var settings = new Dictionary<string, string>
        {
            ["CHAIN_RPC_URL"] = options.AnvilUrl,
            ["PRIVATE_KEY"] = AnvilKeys[SignerAccount],
            ["Chain__ChainId"] = ChainId.ToString(Inv),
            ["Chain__RewardsContract"] = deployment.RewardsContract,
            ["Chain__VaultContract"] = deployment.VaultContract,
            ["Chain__DeploymentBlock"] = deployment.DeploymentBlock.ToString(Inv),
            ["Chain__DeploymentBlockHash"] = deployment.DeploymentBlockHash,
            // anvil does not reorganise: one block (mined) is final; production confirms on Polygon's finalized tag.
            ["Mints__ConfirmationDepth"] = "1",
            // The production default, written out so the figure states it.
            ["Mints__PollIntervalMilliseconds"] = PollMilliseconds.ToString(Inv),
        };
        await using var api = await ApiProcess.StartAsync(options, http, cancellation, settings);
        Console.WriteLine($"bench: mints: API ready after {api.ReadySeconds:F2} s (pid {api.Pid})");

        var admin = await Program.SignInAsync(options, http, "bench-mints-admin-" + Guid.NewGuid().ToString("N")[..8], ["admin"], cancellation);
        var fanCount = (m + MintsPerFan - 1) / MintsPerFan;
        var seedClock = Stopwatch.StartNew();
        var fans = new Fan[fanCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, fanCount), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellation },
            async (i, ct) => fans[i] = await FanWithWalletAsync(options, http, ct));
        await WaitForSignUpBonusAsync(options, http, fans, MintsPerFan * Cost, cancellation);
        var rewardId = await CreateRewardAsync(options, http, admin, m, cancellation);
        Console.WriteLine($"bench: mints: {fanCount} fans with linked wallets and their sign-up points in {seedClock.Elapsed.TotalSeconds:F1} s; reward {rewardId} (cost {Cost}, supply {m})");

        // A fresh process's first signing batch pays for its code's first runs (JIT, Marten's first appends of these events,
        // the first calls to the node): about 1 s more than the next ones. The figure is the pipeline as a running API
        // mints, so a few mints of another reward (limited too) go through first, untimed, with each fan's spare points.
        var warmUpReward = await CreateRewardAsync(options, http, admin, WarmUpMints, cancellation);
        var warm = await OursAsync(options, http, fans[..Math.Min(WarmUpMints, fans.Length)], warmUpReward, Math.Min(WarmUpMints, fans.Length), cancellation);
        Console.WriteLine($"bench: mints: warm-up: {warm.Confirmed} mints of another reward confirmed in {warm.Seconds:F2} s (not counted)");

        var raw = await RawReferenceAsync(options, deployment.RewardsContract, fans, m, cancellation);
        Console.WriteLine($"bench: mints: raw reference: {m} mints confirmed in {raw.Seconds:F2} s = {raw.PerSecond:F1}/s over {raw.Blocks} blocks; duplicates: {raw.Duplicates}");

        await Statements.ResetAsync(options, cancellation);
        var cpu = cpuFor(api.Pid);
        var ours = await OursAsync(options, http, fans, rewardId, m, cancellation);
        var (cores, top) = cpu.Measure();
        var statements = await Statements.ReportAsync(options, "mint requests", ours.Confirmed, ours.Seconds, cancellation);
        var anvilCores = top.Select(t => t.Split(' ')).Where(t => t[0] == "anvil").Select(t => double.Parse(t[1], Inv)).FirstOrDefault();

        var checks = await DuplicateChecksAsync(options, deployer, deployment, signer, ours.Views, m, cancellation);
        var perSecond = ours.PerSecond;
        var latencies = ours.Views.Where(v => v.ConfirmedAt is not null).Select(v => (v.ConfirmedAt!.Value - v.RequestedAt).TotalSeconds).Order().ToArray();
        var (p50, p95, max) = (Load.Percentile(latencies, 0.5), Load.Percentile(latencies, 0.95), latencies.LastOrDefault());
        var stages = await StagesAsync(options, ours.Views.Select(v => v.Id).ToArray(), cancellation);
        Console.WriteLine($"bench: mints: ours {ours.Confirmed} of {m} confirmed in {ours.Seconds:F2} s = {perSecond:F1}/s (ratio {perSecond / raw.PerSecond:F2} of raw); requested→confirmed p50 {p50:F2} s p95 {p95:F2} s max {max:F2} s");
        Console.WriteLine($"bench: mints: requests: {ours.Accepted} accepted, {ours.Rejected} refused, all sent in {ours.RequestSeconds:F2} s; {stages.Summary}");
        Console.WriteLine($"bench: mints: checks: {checks.Summary}");
        Console.WriteLine($"  cores used: api {cores["api"]:F2}, postgres {cores["postgres"]:F2}, anvil {anvilCores:F2}, client {cores["harness"]:F2}, machine {cores["machine"]:F2} (of {Environment.ProcessorCount}); busiest: {string.Join(", ", top)}");

        var duplicatesNote = checks.Clean && raw.Duplicates == "none" ? "zero duplicates" : "DUPLICATES OR GAPS: see checks";
        Row[] rows =
        [
            new("mints", "confirmed mints/s end to end", $"{perSecond:F1}/s", $"{raw.PerSecond:F1}/s raw send", $"{perSecond / raw.PerSecond:F2}", goal,
                $"{ours.Confirmed:N0} of {m:N0} confirmed in {ours.Seconds:F1} s (first request → last ConfirmedAt), {fanCount} fans × {MintsPerFan}, 64 concurrent requests, after {WarmUpMints} untimed warm-up mints; " +
                $"raw: {m:N0} Nethereum sends, local nonces, 32 concurrent, {raw.Seconds:F1} s, {raw.Blocks} blocks; anvil 1 s blocks, depth 1, poll {PollMilliseconds:N0} ms; {duplicatesNote}; " +
                $"cores api {cores["api"]:F2} pg {cores["postgres"]:F2} anvil {anvilCores:F2} machine {cores["machine"]:F2} (of {Environment.ProcessorCount})"),
            new("mints", "requested→confirmed p95", $"{p95:F2} s", "—", "—", "—",
                $"p50 {p50:F2} s, max {max:F2} s over {latencies.Length:N0} mints; {stages.Summary}"),
            new("mints", "duplicates / nonce gap", checks.Clean ? "none" : "FOUND", "—", "—", "zero duplicates", checks.Summary),
            new("mints", "requests answered 409", ours.Conflicts.ToString(Inv), "—", "—", "0",
                $"{ours.Accepted:N0} accepted, {ours.Rejected} refused; a 409 is sent again with its Idempotency-Key (up to 5 times)"),
            new("mints", "request intake", $"{ours.Accepted / ours.RequestSeconds:F1}/s", "—", "—", "—",
                $"{ours.Accepted:N0} POST /me/mints answered 202 in {ours.RequestSeconds:F2} s, 64 concurrent, {fanCount} fans × {MintsPerFan}"),
            new("mints", "signer mints/s", stages.SignedPerSecond is { } signed ? $"{signed:F1}/s" : "—", "—", "—", "—",
                "first to last MintTransactionSigned commit (mt_events.timestamp)"),
        ];
        var other = Math.Max(0, cores["machine"] - cores["api"] - cores["postgres"] - cores["redis"] - cores["harness"] - anvilCores);
        return new MintsResult(rows, new
        {
            mints = m,
            fans = fanCount,
            mintsPerFan = MintsPerFan,
            cost = Cost,
            requestConcurrency = 64,
            chain = new { anvil = options.AnvilUrl, blockTimeSeconds = 1, confirmationDepth = 1, pollIntervalMs = PollMilliseconds, deployment.RewardsContract, signer, rawMinter },
            ours = new
            {
                ours.Accepted,
                ours.Rejected,
                ours.Conflicts,
                ours.Confirmed,
                ours.Seconds,
                perSecond,
                requestSeconds = ours.RequestSeconds,
                latencySeconds = new { p50, p95, max },
                stages = stages.Figure,
                blocks = ours.Views.Where(v => v.BlockNumber is not null).Select(v => v.BlockNumber).Distinct().Count(),
            },
            raw,
            ratio = perSecond / raw.PerSecond,
            checks,
            coresUsed = cores,
            anvilCores,
            busiestProcesses = top,
            statements,
            goal,
        }, other, top);
    }

    private static Web3 Web3For(BenchOptions options, int account) => new(new Account(AnvilKeys[account], ChainId), options.AnvilUrl);

    // ------------------------------------------------------------------ ours

    private sealed record Ours(int Accepted, int Rejected, int Conflicts, int Confirmed, double Seconds, double PerSecond, double RequestSeconds, IReadOnlyList<MintRow> Views);

    private static async Task<Ours> OursAsync(BenchOptions options, HttpClient http, Fan[] fans, Guid rewardId, int m, CancellationToken cancellation)
    {
        var uri = new Uri(options.ApiUrl + "/me/mints");
        var ids = new Guid?[m];
        var rejected = 0;
        var retried = 0;
        var body = $"{{\"rewardId\":\"{rewardId}\"}}";
        Console.WriteLine($"bench: mints: sending {m} mint requests (64 concurrent)");
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, m), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellation }, async (i, ct) =>
        {
            // As a client should: one Idempotency-Key per mint, and a 409 (a concurrent write) sent again with it.
            var key = Guid.NewGuid().ToString("N");
            HttpResponseMessage response;
            for (var attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fans[i % fans.Length].Token);
                request.Headers.Add("Idempotency-Key", key);
                response = await http.SendAsync(request, ct);
                if (response.StatusCode != HttpStatusCode.Conflict || attempt == 5) break;
                Interlocked.Increment(ref retried);
                response.Dispose();
                await Task.Delay(50 * attempt, ct);
            }

            using var _ = response;
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref rejected);
                Console.WriteLine($"  mint request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                return;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            ids[i] = json.RootElement.GetProperty("mintId").GetGuid();
        });
        var requestSeconds = clock.Elapsed.TotalSeconds;
        var accepted = ids.OfType<Guid>().ToArray();

        // Wait (bounded) until every accepted mint is terminal; the views' own timestamps give the figures.
        await using var db = new NpgsqlConnection(options.Npgsql);
        await db.OpenAsync(cancellation);
        var deadline = TimeSpan.FromSeconds(60 + m);
        List<MintRow> views;
        while (true)
        {
            views = await ViewsAsync(db, accepted, cancellation);
            if (views.Count(v => v.Status is MintView.Confirmed or MintView.Failed) == accepted.Length) break;
            if (clock.Elapsed > deadline)
            {
                Console.WriteLine($"bench: mints: not all terminal after {deadline.TotalSeconds:F0} s: {string.Join(", ", views.GroupBy(v => v.Status).Select(g => $"{g.Key} {g.Count()}"))}");
                break;
            }

            await Task.Delay(500, cancellation);
        }

        var confirmed = views.Where(v => v is { Status: "confirmed", ConfirmedAt: not null }).ToList();
        var seconds = confirmed.Count == 0 ? clock.Elapsed.TotalSeconds : (confirmed.Max(v => v.ConfirmedAt!.Value) - started).TotalSeconds;
        if (retried > 0) Console.WriteLine($"bench: mints: {retried} requests answered 409 and were sent again with their Idempotency-Key");
        return new Ours(accepted.Length, rejected, retried, confirmed.Count, seconds, confirmed.Count / seconds, requestSeconds, views);
    }

    private static async Task<List<MintRow>> ViewsAsync(NpgsqlConnection db, Guid[] ids, CancellationToken cancellation)
    {
        await using var cmd = new NpgsqlCommand("select data::text from xylo.mt_doc_mintview where id = any($1)", db);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
        var rows = new List<MintRow>(ids.Length);
        await using var reader = await cmd.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) rows.Add(JsonSerializer.Deserialize<MintRow>(reader.GetString(0), CaseInsensitive)!);
        return rows;
    }

    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Where mints wait: each step's commit time from the mint streams' events.</summary>
    private static async Task<(string Summary, object Figure, double? SignedPerSecond)> StagesAsync(BenchOptions options, Guid[] ids, CancellationToken cancellation)
    {
        await using var db = new NpgsqlConnection(options.Npgsql);
        await db.OpenAsync(cancellation);
        await using var cmd = new NpgsqlCommand(
            "select stream_id, type, min(timestamp) from xylo.mt_events where stream_id = any($1) group by stream_id, type", db);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
        var at = new Dictionary<Guid, Dictionary<string, DateTimeOffset>>();
        await using (var reader = await cmd.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var id = reader.GetGuid(0);
                if (!at.TryGetValue(id, out var steps)) at[id] = steps = [];
                steps[reader.GetString(1)] = reader.GetFieldValue<DateTimeOffset>(2);
            }
        }

        string[] order = ["mint_requested", "mint_transaction_signed", "mint_transaction_broadcast", "mint_transaction_mined", "mint_confirmed"];
        var types = at.Values.SelectMany(s => s.Keys).Distinct().Order().ToList();
        var spans = new List<object>();
        var parts = new List<string>();
        for (var i = 1; i < order.Length; i++)
        {
            var (from, to) = (order[i - 1], order[i]);
            var waits = at.Values.Where(s => s.ContainsKey(from) && s.ContainsKey(to)).Select(s => (s[to] - s[from]).TotalSeconds).Order().ToArray();
            if (waits.Length == 0) continue;
            var (p50, p95, max) = (Load.Percentile(waits, 0.5), Load.Percentile(waits, 0.95), waits[^1]);
            spans.Add(new { from, to, mints = waits.Length, p50, p95, max });
            parts.Add($"{Short(from)}→{Short(to)} p50 {p50:F2}/p95 {p95:F2} s");
        }

        var signed = at.Values.Where(s => s.ContainsKey("mint_transaction_signed")).Select(s => s["mint_transaction_signed"]).Order().ToList();
        double? signRate = signed.Count > 1 ? (signed.Count - 1) / (signed[^1] - signed[0]).TotalSeconds : null;
        if (signRate is { } rate) parts.Add($"signer {rate:F1} mints/s ({signed.Count} signed over {(signed[^1] - signed[0]).TotalSeconds:F1} s)");
        return (string.Join("; ", parts), new { eventTypes = types, spans, signedPerSecond = signRate, source = "mt_events.timestamp (commit time) of each step, per mint stream" }, signRate);

        static string Short(string type) => type.Replace("mint_transaction_", "", StringComparison.Ordinal).Replace("mint_", "", StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ checks

    private sealed record Checks(bool Clean, int Confirmed, int DistinctTokens, int RequestsWithOneLog, int RequestsWithoutLog, int RequestsWithSeveralLogs,
        int DistinctNonces, long? LocalNextNonce, long ChainLatestNonce, long ChainPendingNonce, string Summary);

    private static async Task<Checks> DuplicateChecksAsync(BenchOptions options, Web3 web3, ContractDeployment deployment, string signer,
        IReadOnlyList<MintRow> views, int m, CancellationToken cancellation)
    {
        var logs = await MintLogsAsync(web3, deployment.RewardsContract, deployment.DeploymentBlock);
        var byRequest = logs.GroupBy(l => l.RequestId).ToDictionary(g => g.Key, g => g.Count());
        var confirmed = views.Where(v => v.Status == "confirmed").ToList();
        var perRequest = views.Select(v => byRequest.GetValueOrDefault(v.RequestId.ToLowerInvariant())).ToList();
        var distinctTokens = confirmed.Select(v => v.TokenId).Distinct().Count();
        var distinctNonces = views.Where(v => v.Nonce is not null).Select(v => v.Nonce).Distinct().Count();

        long? local;
        await using (var db = new NpgsqlConnection(options.Npgsql))
        {
            await db.OpenAsync(cancellation);
            await using var cmd = new NpgsqlCommand("select data::text from xylo.mt_doc_signernonce where lower(id) = lower($1)", db);
            cmd.Parameters.Add(new NpgsqlParameter { Value = signer });
            local = await cmd.ExecuteScalarAsync(cancellation) is string json
                ? JsonSerializer.Deserialize<SignerNonce>(json, CaseInsensitive)!.Next
                : null;
        }

        var latest = (long)(await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(signer, BlockParameter.CreateLatest())).Value;
        var pending = (long)(await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(signer, BlockParameter.CreatePending())).Value;
        var clean = confirmed.Count == m && distinctTokens == m && perRequest.All(c => c == 1) && local == latest && pending == latest;
        var summary = $"{confirmed.Count:N0} confirmed of {m:N0}; distinct token ids {distinctTokens:N0}; RewardMinted logs per request id: " +
            $"{perRequest.Count(c => c == 1):N0} exactly one, {perRequest.Count(c => c == 0)} none, {perRequest.Count(c => c > 1)} several; " +
            $"distinct nonces {distinctNonces:N0}; signer nonce ours {local?.ToString(Inv) ?? "none"} = chain latest {latest} (pending {pending}): {(local == latest && pending == latest ? "no gap" : "MISMATCH")}";
        return new Checks(clean, confirmed.Count, distinctTokens, perRequest.Count(c => c == 1), perRequest.Count(c => c == 0), perRequest.Count(c => c > 1),
            distinctNonces, local, latest, pending, summary);
    }

    private static async Task<List<(string RequestId, BigInteger TokenId, long Block)>> MintLogsAsync(Web3 web3, string contract, long fromBlock)
    {
        var filter = new NewFilterInput
        {
            Address = [contract],
            FromBlock = new BlockParameter(new HexBigInteger(fromBlock)),
            ToBlock = BlockParameter.CreateLatest(),
            Topics = [EventExtensions.GetEventABI<RewardMintedEventDTO>().Sha3Signature.EnsureHexPrefix()],
        };
        var logs = await web3.Eth.Filters.GetLogs.SendRequestAsync(filter);
        return logs.DecodeAllEvents<RewardMintedEventDTO>()
            .Select(e => (e.Event.RequestId.ToHex(true).ToLowerInvariant(), e.Event.TokenId, (long)e.Log.BlockNumber.Value))
            .ToList();
    }

    // ------------------------------------------------------------------ raw reference

    private sealed record Raw(int Sent, double Seconds, double PerSecond, int Blocks, long GasLimit, long MaxFeePerGas, long MaxPriorityFeePerGas,
        int Concurrency, string Duplicates);

    private static async Task<Raw> RawReferenceAsync(BenchOptions options, string contract, Fan[] fans, int m, CancellationToken cancellation)
    {
        const int Concurrency = 32;
        var web3 = Web3For(options, RawAccount);
        var from = web3.TransactionManager.Account.Address;
        var handler = web3.Eth.GetContractTransactionHandler<MintFunction>();
        MintFunction Call(int i) => new()
        {
            To = fans[i % fans.Length].Wallet,
            Uri = MetadataUri,
            RequestId = Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray(),
            FromAddress = from,
        };

        // The same fee rule and gas margin as the pipeline (ChainGateway.QuoteFeesAsync, GasLimitPercent 130), quoted once.
        var gas = (long)(await handler.EstimateGasAsync(contract, Call(0))).Value * 130 / 100;
        var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest());
        var tip = Math.Max((long)(await web3.Client.SendRequestAsync<HexBigInteger>("eth_maxPriorityFeePerGas")).Value, 1_000_000_000);
        var maxFee = (2 * (long)block.BaseFeePerGas.Value) + tip;
        var first = (long)(await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(from, BlockParameter.CreatePending())).Value;
        var requestIds = new string[m];

        Console.WriteLine($"bench: mints: raw reference: {m} mints from {from}, nonces {first}..{first + m - 1}, {Concurrency} concurrent sends");
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, m), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellation }, async (i, ct) =>
        {
            var call = Call(i);
            call.Nonce = first + i;
            call.Gas = gas;
            call.MaxFeePerGas = maxFee;
            call.MaxPriorityFeePerGas = tip;
            requestIds[i] = call.RequestId.ToHex(true).ToLowerInvariant();
            await handler.SendRequestAsync(contract, call);
        });
        var sendSeconds = clock.Elapsed.TotalSeconds;

        // Mined (depth 1) when the account's latest nonce has passed the last one sent.
        var deadline = TimeSpan.FromSeconds(60 + (m / 10.0));
        while ((long)(await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(from, BlockParameter.CreateLatest())).Value < first + m)
        {
            if (clock.Elapsed > deadline) throw new TimeoutException($"the raw reference's {m} mints were not mined within {deadline.TotalSeconds:F0} s");
            await Task.Delay(100, cancellation);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"bench: mints: raw reference: all sent after {sendSeconds:F2} s, all mined after {seconds:F2} s");
        var ours = requestIds.ToHashSet();
        var logs = (await MintLogsAsync(web3, contract, 0)).Where(l => ours.Contains(l.RequestId)).ToList();
        var duplicates = logs.Count == m && logs.Select(l => l.RequestId).Distinct().Count() == m && logs.Select(l => l.TokenId).Distinct().Count() == m
            ? "none"
            : $"{logs.Count} logs for {m} requests, {logs.Select(l => l.RequestId).Distinct().Count()} distinct request ids";
        return new Raw(m, seconds, m / seconds, logs.Select(l => l.Block).Distinct().Count(), gas, maxFee, tip, Concurrency, duplicates);
    }

    // ------------------------------------------------------------------ users and the reward

    /// <summary>
    /// A new fan linking a fresh wallet through Sign-In with Ethereum, as a wallet app would. A 409 (the sign-up
    /// bonus writing the same user at that moment) is retried from a new nonce, as the answer asks.
    /// </summary>
    private static async Task<Fan> FanWithWalletAsync(BenchOptions options, HttpClient http, CancellationToken cancellation)
    {
        var token = await Program.SignInAsync(options, http, "bench-fan-" + Guid.NewGuid().ToString("N")[..12], [], cancellation);
        var key = EthECKey.GenerateKey();
        for (var attempt = 1; ; attempt++)
        {
            var status = await LinkWalletAsync(options, http, token, key, cancellation);
            if (status.IsSuccessStatusCode) return new Fan(token, key.GetPublicAddress());
            if (status.StatusCode != HttpStatusCode.Conflict || attempt == 5)
            {
                throw new InvalidOperationException($"linking a wallet answered {(int)status.StatusCode}: {await status.Content.ReadAsStringAsync(cancellation)}");
            }

            status.Dispose();
            await Task.Delay(50 * attempt, cancellation);
        }
    }

    private static async Task<HttpResponseMessage> LinkWalletAsync(BenchOptions options, HttpClient http, string token, EthECKey key, CancellationToken cancellation)
    {
        using var nonceRequest = new HttpRequestMessage(HttpMethod.Get, options.ApiUrl + "/auth/wallet/nonce");
        nonceRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var nonceResponse = await http.SendAsync(nonceRequest, cancellation);
        nonceResponse.EnsureSuccessStatusCode();
        using var nonce = JsonDocument.Parse(await nonceResponse.Content.ReadAsStringAsync(cancellation));
        var text = new Xylo.Domain.Wallets.SiweMessage
        {
            Domain = nonce.RootElement.GetProperty("domain").GetString()!,
            Address = key.GetPublicAddress(),
            Statement = "Link this wallet to my XYLO account.",
            Uri = nonce.RootElement.GetProperty("uri").GetString()!,
            ChainId = nonce.RootElement.GetProperty("chainId").GetInt64(),
            Nonce = nonce.RootElement.GetProperty("nonce").GetString()!,
            IssuedAt = DateTimeOffset.UtcNow,
            ExpirationTime = DateTimeOffset.UtcNow.AddMinutes(5),
        }.ToText();
        using var link = new HttpRequestMessage(HttpMethod.Post, options.ApiUrl + "/me/wallet")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { message = text, signature = new EthereumMessageSigner().EncodeUTF8AndSign(text, key) }),
                Encoding.UTF8, "application/json"),
        };
        link.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(link, cancellation);
    }

    /// <summary>The sign-up bonus arrives through a queue: wait (bounded) until every fan can pay for its mints.</summary>
    private static async Task WaitForSignUpBonusAsync(BenchOptions options, HttpClient http, Fan[] fans, long needed, CancellationToken cancellation)
    {
        var waiting = fans.ToList();
        var clock = Stopwatch.StartNew();
        while (waiting.Count > 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"{waiting.Count} fans still lack {needed} points after 60 s");
            var ready = new System.Collections.Concurrent.ConcurrentBag<Fan>();
            await Parallel.ForEachAsync(waiting, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellation }, async (fan, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, options.ApiUrl + "/me/points");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fan.Token);
                using var response = await http.SendAsync(request, ct);
                if (!response.IsSuccessStatusCode) return;
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                if (json.RootElement.GetProperty("available").GetInt64() >= needed) ready.Add(fan);
            });
            waiting = waiting.Except(ready).ToList();
            if (waiting.Count > 0) await Task.Delay(250, cancellation);
        }
    }

    /// <summary>The reward the fans mint, created through the generated client.</summary>
    private static async Task<Guid> CreateRewardAsync(BenchOptions options, HttpClient http, string admin, int supply, CancellationToken cancellation)
    {
        var reward = await Xylo.Client.XyloClients.WithBearer(http, admin, options.ApiUrl).Admin.Rewards.PostAsync(new Xylo.Client.Models.CreateRewardRequest
        {
            Name = "Bench reward",
            Description = "minted by ./xylo bench mints",
            MetadataUri = MetadataUri,
            Cost = Cost,
            Supply = supply,
        }, cancellationToken: cancellation);
        return reward!.Id!.Value;
    }
}
