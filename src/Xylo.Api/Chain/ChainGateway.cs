using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Options;
using NBitcoin.Secp256k1;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.Model;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Util;
using Nethereum.Web3;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Operations.Configuration;
using Xylo.Domain.Mints;

namespace Xylo.Api.Chain;

public sealed record FeeQuote(long MaxFeePerGas, long MaxPriorityFeePerGas);

/// <summary>What the node answered to a question it may refuse: the value, or why it refused (<see cref="Refusal"/> set).</summary>
public sealed record ChainAnswer<T>(T Value, string? Refusal);

/// <summary>A mined transaction: whether it succeeded, and in which block.</summary>
public sealed record TransactionOutcome(bool Succeeded, long BlockNumber);

public enum BroadcastResult
{
    Accepted,

    /// <summary>The node has the transaction already (a retry after a lost answer).</summary>
    AlreadyKnown,

    /// <summary>The nonce is used: this transaction or one that replaced it was mined.</summary>
    NonceUsed,
}

/// <summary>
/// The only code that talks to the chain: dry runs, fees, offline signing, broadcast, receipts and
/// contract reads, over Nethereum. Nonces are not its business: callers pass the one PostgreSQL assigned.
/// </summary>
public sealed partial class ChainGateway
{
    private readonly ChainOptions _chain;
    private readonly MintPipelineOptions _options;
    private readonly Lazy<(Web3 Web3, EthECKey Key)> _client;

    // Derived from the key once: deriving the public key is an elliptic-curve multiplication, and the address is asked
    // for in every dry run and every signature.
    private readonly Lazy<string> _signer;
    private readonly Lazy<ECPrivKey> _secpKey;

    public ChainGateway(IConfiguration configuration, IOptions<ChainOptions> chain, IOptions<MintPipelineOptions> options)
    {
        _chain = chain.Value;
        _options = options.Value;
        _client = new Lazy<(Web3, EthECKey)>(() =>
        {
            var url = configuration[XyloSecrets.ChainRpcUrl] is { Length: > 0 } configured
                ? configured
                : throw new InvalidOperationException($"{XyloSecrets.ChainRpcUrl} is not set: the chain pipeline has no node to talk to");
            var key = configuration[XyloSecrets.PrivateKey] is { Length: > 0 } secret
                ? new EthECKey(secret)
                : throw new InvalidOperationException($"{XyloSecrets.PrivateKey} is not set: the chain pipeline has no signer");
            return (new Web3(new RpcClient(new Uri(url))), key);
        });
        _signer = new Lazy<string>(() => _client.Value.Key.GetPublicAddress().ToLowerInvariant());
        _secpKey = new Lazy<ECPrivKey>(() => ECPrivKey.Create(_client.Value.Key.GetPrivateKeyAsBytes()));
    }

    public bool IsConfigured => _chain.RewardsContract is { Length: > 0 };

    public string Signer => _signer.Value;

    public string RewardsContract => _chain.RewardsContract?.ToLowerInvariant()
        ?? throw new InvalidOperationException("Chain:RewardsContract is not configured: deploy the contracts first (contracts deploy)");

    private Web3 Web3 => _client.Value.Web3;

    public string ContractFor(string name) => name switch
    {
        "rewards" => RewardsContract,
        "vault" => _chain.VaultContract?.ToLowerInvariant() ?? throw new InvalidOperationException("Chain:VaultContract is not configured"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "expected rewards or vault"),
    };

    public static MintFunction MintCall(Mint mint) => new()
    {
        To = mint.Wallet,
        Uri = mint.MetadataUri,
        RequestId = mint.RequestId.HexToByteArray(),
    };

    /// <summary>
    /// Dry runs of a batch of mints against the latest state: one <c>eth_call</c> each, <paramref name="parallelism"/> at a
    /// time (why one would revert: paused, already minted, anything else), then one gas estimate per metadata URI for the
    /// mints that pass, shared by them. An estimate runs the call several times over (the node searches for the least gas
    /// that succeeds), and the mints of one URI differ only in their recipient: a first token to a wallet costs about
    /// 17,000 gas more than a later one, well inside the <see cref="MintPipelineOptions.GasLimitPercent"/> margin (30 % of
    /// about 214,000).
    /// </summary>
    public async Task<MintPreflight[]> PreflightMintsAsync(IReadOnlyList<Mint> mints, int parallelism, CancellationToken cancellation)
    {
        var results = new MintPreflight?[mints.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, mints.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellation },
            async (i, _) => results[i] = await DryRunAsync(mints[i], call => Web3.Eth.GetContractQueryHandler<MintFunction>().QueryRawAsync(RewardsContract, call)));

        foreach (var uri in Enumerable.Range(0, mints.Count).Where(i => results[i] is null).GroupBy(i => mints[i].MetadataUri))
        {
            // The first mint of the URI whose estimate succeeds gives the gas of the rest (one that now reverts says why).
            long? gas = null;
            foreach (var i in uri)
            {
                if (gas is { } known)
                {
                    results[i] = new MintPreflight.Ready(known);
                    continue;
                }

                long estimate = 0;
                results[i] = await DryRunAsync(mints[i],
                    async call => estimate = (long)(await Web3.Eth.GetContractTransactionHandler<MintFunction>().EstimateGasAsync(RewardsContract, call)).Value)
                    ?? new MintPreflight.Ready(estimate);
                if (results[i] is MintPreflight.Ready) gas = estimate;
            }
        }

        return results.Select(r => r ?? throw new InvalidOperationException("a mint was not dry-run")).ToArray();
    }

    /// <summary>One dry run: null when the call passes (its gas is estimated elsewhere), else why it would not.</summary>
    private async Task<MintPreflight?> DryRunAsync(Mint mint, Func<MintFunction, Task> run)
    {
        var call = MintCall(mint);
        call.FromAddress = Signer;
        try
        {
            await run(call);
            return null;
        }
        catch (SmartContractCustomErrorRevertException revert)
        {
            if (revert.IsCustomErrorFor<RequestAlreadyMintedError>())
            {
                return new MintPreflight.AlreadyMinted((long)revert.DecodeError<RequestAlreadyMintedError>().TokenId);
            }

            if (revert.IsCustomErrorFor<EnforcedPauseError>()) return new MintPreflight.Paused();
            return new MintPreflight.Reverts(DescribeCustomError(revert));
        }
        catch (SmartContractRevertException revert)
        {
            return new MintPreflight.Reverts(revert.RevertMessage ?? revert.Message);
        }
    }

    /// <summary>A pause or unpause of <paramref name="contract"/> (rewards or vault), signed with the given nonce and fees, its gas estimated first.</summary>
    public async Task<SignedMintTransaction> SignPauseAsync(string contract, bool pause, long nonce, FeeQuote fees)
    {
        var (gas, callData) = pause
            ? (await EstimateGasAsync(contract, new PauseFunction()), new PauseFunction().GetCallData())
            : (await EstimateGasAsync(contract, new UnpauseFunction()), new UnpauseFunction().GetCallData());
        return Sign(contract, callData.ToHex(true), nonce, GasLimitFor(gas), fees);
    }

    /// <summary>How a sent transaction ended, once mined: null while it is not.</summary>
    public async Task<TransactionOutcome?> OutcomeAsync(string txHash) =>
        await ReceiptAsync(txHash) is { } receipt ? new TransactionOutcome(receipt.Status?.Value == 1, (long)receipt.BlockNumber.Value) : null;

    public async Task<long> EstimateGasAsync<TFunction>(string contract, TFunction call)
        where TFunction : FunctionMessage, new()
    {
        call.FromAddress = Signer;
        var gas = await Web3.Eth.GetContractTransactionHandler<TFunction>().EstimateGasAsync(contract, call);
        return (long)gas.Value;
    }

    /// <summary>Fees for the next block from the latest one's base fee and the node's suggested tip: asked once per block (signing batches within one block share the quote).</summary>
    public async Task<FeeQuote> QuoteFeesAsync()
    {
        var block = await Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest());
        if (_lastQuote is { } last && string.Equals(last.BlockHash, block.BlockHash, StringComparison.OrdinalIgnoreCase)) return last.Quote;

        var baseFee = (long)(block.BaseFeePerGas?.Value ?? BigInteger.Zero);
        var suggested = (long)(await Web3.Client.SendRequestAsync<HexBigInteger>("eth_maxPriorityFeePerGas")).Value;
        var priority = Math.Min(Math.Max(suggested, _options.PriorityFeeFloorWei), _options.MaxFeeCapWei);
        var quote = new FeeQuote(Math.Min((2 * baseFee) + priority, _options.MaxFeeCapWei), priority);
        _lastQuote = new QuoteAt(block.BlockHash, quote);
        return quote;
    }

    private sealed record QuoteAt(string BlockHash, FeeQuote Quote);

    private volatile QuoteAt? _lastQuote;

    /// <summary>A mint's own transaction (its <see cref="MintCall"/> to the rewards contract), signed with the given nonce, gas and fees.</summary>
    public SignedMintTransaction SignMint(Mint mint, long nonce, long gasLimit, FeeQuote fees) =>
        Sign(RewardsContract, MintCall(mint).GetCallData().ToHex(true), nonce, gasLimit, fees);

    /// <summary>
    /// Signs offline: the bytes and hash exist before anything is sent, so they can be recorded first. Safe to call from
    /// several threads at once (a batch signs in parallel: each signature is CPU work only).
    /// </summary>
    public SignedMintTransaction Sign(string contract, string callData, long nonce, long gasLimit, FeeQuote fees)
    {
        var transaction = new Transaction1559(_chain.ChainId, nonce, fees.MaxPriorityFeePerGas, fees.MaxFeePerGas, gasLimit,
            contract, BigInteger.Zero, callData, []);
        // libsecp256k1's recoverable signature (NBitcoin.Secp256k1, which Nethereum.Signer itself uses): the recovery id
        // comes from the signing point, where Transaction1559Signer recovers the public key up to four times to find it;
        // the same bytes (RFC 6979 nonce, low s). Nethereum's own switch for this, EthECKey.SignRecoverable, is
        // process-wide and makes recovering a malformed signature throw (SIWE), so it stays off.
        if (!_secpKey.Value.TrySignRecoverable(transaction.RawHash, out var signature) || signature is null)
        {
            throw new InvalidOperationException($"signing the transaction with nonce {nonce} failed");
        }

        signature.Deconstruct(out var r, out var s, out var recoveryId);
        transaction.SetSignature(EthECDSASignatureFactory.FromComponents(Minimal(r.ToBytes()), Minimal(s.ToBytes()), (byte)recoveryId));
        var raw = transaction.GetRLPEncoded().ToHex(true);
        var hash = new Sha3Keccack().CalculateHashFromHex(raw).EnsureHexPrefix();
        return new SignedMintTransaction(Signer, nonce, hash, raw, gasLimit, fees.MaxFeePerGas, fees.MaxPriorityFeePerGas);
    }

    /// <summary>
    /// What the first signing batch after a start would otherwise pay for: the key's derivations, the code of a call's
    /// encoding and of a signature, and <paramref name="connections"/> connections to the node for a batch's parallel
    /// dry runs (measured: 1.7 s for the first batch of 45 mints, 0.3–0.8 s for the next batches of about 60). Nothing is
    /// sent: the dry runs are estimates of a throwaway mint, and the transaction signed here is dropped.
    /// </summary>
    public async Task WarmUpAsync(int connections)
    {
        // Not zero (the contract refuses a zero request id) and never a mint's: mint request ids are the mints' own.
        var requestId = new Sha3Keccack().CalculateHash(System.Text.Encoding.UTF8.GetBytes("xylo:signer-warm-up"));
        // One call per use: a dry run sets the call's sender, and the dry runs run at once.
        MintFunction Call() => new() { To = Signer, Uri = "warm-up", RequestId = requestId };
        Sign(RewardsContract, Call().GetCallData().ToHex(true), 0, 100_000, new FeeQuote(1, 1));
        // The dry runs' two calls: eth_call on every connection, and one gas estimate.
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async k =>
        {
            try
            {
                if (k == 0) await EstimateGasAsync(RewardsContract, Call());
                else await Web3.Eth.GetContractQueryHandler<MintFunction>().QueryRawAsync(RewardsContract, WithSigner(Call()));
            }
            catch (Exception revert) when (revert is SmartContractRevertException or SmartContractCustomErrorRevertException)
            {
                // A paused contract (or any other refusal) answers with a revert: the connection is open all the same.
            }
        }));
    }

    private MintFunction WithSigner(MintFunction call)
    {
        call.FromAddress = Signer;
        return call;
    }

    // A signature's r and s as the integers they are: no leading zero bytes (RLP encodes integers that way).
    private static byte[] Minimal(byte[] bytes) => bytes.AsSpan().TrimStart((byte)0).ToArray();

    public long GasLimitFor(long estimate) => estimate * _options.GasLimitPercent / 100;

    public async Task<BroadcastResult> BroadcastAsync(string rawTransaction)
    {
        try
        {
            await Web3.Eth.Transactions.SendRawTransaction.SendRequestAsync(rawTransaction);
            return BroadcastResult.Accepted;
        }
        catch (RpcResponseException rejected) when (SentBefore(rejected.RpcError?.Message) is { } result)
        {
            return result;
        }
    }

    /// <summary>A refusal that means the transaction (or one with its nonce) is already with the node or mined; null for any other.</summary>
    private static BroadcastResult? SentBefore(string? message) => message switch
    {
        null => null,
        _ when Contains(message, "already known") || Contains(message, "already imported") || Contains(message, "known transaction") => BroadcastResult.AlreadyKnown,
        _ when Contains(message, "nonce too low") => BroadcastResult.NonceUsed,
        _ => null,
    };

    /// <summary>
    /// Sends signed transactions in one JSON-RPC batch, in the order given (nonce order, so the node never sees a gap
    /// inside the batch); the same answers count as sent as for <see cref="BroadcastAsync"/>. Any other refusal throws
    /// once every item has been looked at: the caller retries the batch (a resend is harmless).
    /// </summary>
    public async Task<IReadOnlyList<BroadcastResult>> BroadcastBatchAsync(IReadOnlyList<string> rawTransactions)
    {
        var sends = Web3.Eth.Transactions.SendRawTransaction;
        var batch = new RpcRequestResponseBatch();
        var items = rawTransactions.Select((raw, i) => new RpcRequestResponseBatchItem<Nethereum.RPC.Eth.Transactions.EthSendRawTransaction, string>(
            (Nethereum.RPC.Eth.Transactions.EthSendRawTransaction)sends, sends.BuildRequest(raw, i + 1))).ToList();
        foreach (var item in items) batch.BatchItems.Add(item);
        batch.AcceptPartiallySuccessful = true;
        await Web3.Client.SendBatchRequestAsync(batch);
        var results = new List<BroadcastResult>(items.Count);
        foreach (var item in items)
        {
            if (!item.HasError)
            {
                results.Add(BroadcastResult.Accepted);
                continue;
            }

            results.Add(SentBefore(item.RpcError?.Message) ?? throw new RpcResponseException(item.RpcError));
        }

        return results;
    }

    /// <summary>The receipt of whichever of the transactions was mined, with the token it minted and, on a revert, whether the contract was paused.</summary>
    public async Task<ReceiptSeen?> FindReceiptAsync(Mint mint)
    {
        foreach (var hash in mint.TxHashes)
        {
            var receipt = await Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash);
            if (receipt is null) continue;

            var block = (long)receipt.BlockNumber.Value;
            var succeeded = receipt.Status?.Value == BigInteger.One;
            long? tokenId = null;
            if (succeeded)
            {
                tokenId = receipt.DecodeAllEvents<RewardMintedEventDTO>()
                    .Where(e => string.Equals(e.Log.Address, RewardsContract, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(e.Event.RequestId.ToHex(true), mint.RequestId, StringComparison.OrdinalIgnoreCase))
                    .Select(e => (long?)(long)e.Event.TokenId)
                    .FirstOrDefault();
            }

            var paused = !succeeded && await IsPausedAsync(RewardsContract, block);
            return new ReceiptSeen(hash.ToLowerInvariant(), succeeded, block, receipt.BlockHash.ToLowerInvariant(), tokenId, paused,
                succeeded ? null : "status 0");
        }

        return null;
    }

    /// <summary>The latest block's number and hash (a new hash at the same height is a reorg).</summary>
    public async Task<(long Number, string Hash)> LatestHeadAsync()
    {
        var block = await Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest());
        return ((long)block.Number.Value, block.BlockHash.ToLowerInvariant());
    }

    /// <summary>Receipts looked up per JSON-RPC batch by <see cref="MinedAsync"/>.</summary>
    public const int ReceiptBatch = 200;

    /// <summary>
    /// Where each of these transactions is mined as of now (hashes lower case; a transaction not mined is absent):
    /// every receipt in one JSON-RPC batch (per <see cref="ReceiptBatch"/> hashes), not one round trip each.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, MinedIn>> MinedAsync(IReadOnlyCollection<string> txHashes)
    {
        var mined = new Dictionary<string, MinedIn>(StringComparer.OrdinalIgnoreCase);
        var receipts = Web3.Eth.Transactions.GetTransactionReceipt;
        foreach (var chunk in txHashes.Distinct(StringComparer.OrdinalIgnoreCase).Chunk(ReceiptBatch))
        {
            var batch = new RpcRequestResponseBatch();
            var items = chunk.Select((hash, i) => new RpcRequestResponseBatchItem<Nethereum.RPC.Eth.Transactions.EthGetTransactionReceipt, TransactionReceipt>(
                (Nethereum.RPC.Eth.Transactions.EthGetTransactionReceipt)receipts, receipts.BuildRequest(hash, i + 1))).ToList();
            foreach (var item in items) batch.BatchItems.Add(item);
            await Web3.Client.SendBatchRequestAsync(batch);
            foreach (var item in items)
            {
                if (item.HasError) throw new RpcResponseException(item.RpcError);
                if (item.Response is { BlockHash: { Length: > 0 } blockHash } receipt)
                {
                    var hash = receipt.TransactionHash.ToLowerInvariant();
                    mined[hash] = new MinedIn(hash, (long)receipt.BlockNumber.Value, blockHash.ToLowerInvariant());
                }
            }
        }

        return mined;
    }

    /// <summary>The highest block taken as final: the chain's finalized block, or latest − depth + 1.</summary>
    public async Task<long> SafeBlockAsync()
    {
        if (_options.UseFinalizedTag)
        {
            var finalized = await Web3.Client.SendRequestAsync<BlockWithTransactionHashes>("eth_getBlockByNumber", null, "finalized", false);
            return (long)finalized.Number.Value;
        }

        return await LatestBlockAsync() - _options.ConfirmationDepth + 1;
    }

    public async Task<long> LatestBlockAsync() => (long)(await Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;

    public async Task<long> TransactionCountAsync(bool pending) =>
        (long)(await Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(Signer,
            pending ? BlockParameter.CreatePending() : BlockParameter.CreateLatest())).Value;

    /// <summary>
    /// How many transactions <paramref name="address"/> had sent as of <paramref name="block"/> (its next nonce then), or the
    /// node's refusal (a pruned node has no state for an old block).
    /// </summary>
    public async Task<ChainAnswer<long>> TransactionCountAtAsync(string address, long block)
    {
        try
        {
            return new((long)(await Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(address, new BlockParameter(new HexBigInteger(Math.Max(0, block))))).Value, null);
        }
        catch (RpcResponseException refused)
        {
            return new(default, refused.Message);
        }
    }

    public async Task<decimal> SignerBalanceAsync() =>
        Web3.Convert.FromWei((await Web3.Eth.GetBalance.SendRequestAsync(Signer)).Value);

    /// <summary>The token the rewards contract holds for a request as of <paramref name="block"/>, or null (it answers 0 for none).</summary>
    public async Task<long?> TokenForRequestAsync(string requestId, long block)
    {
        var token = await Web3.Eth.GetContractQueryHandler<TokenIdForRequestFunction>().QueryAsync<BigInteger>(RewardsContract,
            new TokenIdForRequestFunction { RequestId = requestId.HexToByteArray() }, new BlockParameter(new HexBigInteger(Math.Max(0, block))));
        return token.IsZero ? null : (long)token;
    }

    public async Task<bool> IsPausedAsync(string contract, long? block = null) =>
        await Web3.Eth.GetContractQueryHandler<PausedFunction>().QueryAsync<bool>(contract, new PausedFunction(),
            block is { } number ? new BlockParameter(new HexBigInteger(number)) : BlockParameter.CreateLatest());

    /// <summary>
    /// Where the chain minted a request, from the contract's RewardMinted log (indexed by request id): null when there is
    /// none, or the node's refusal (a provider's block-range limit).
    /// </summary>
    public async Task<ChainAnswer<(string TxHash, long BlockNumber)?>> FindMintLogAsync(string requestId)
    {
        try
        {
            var logs = await Web3.Eth.Filters.GetLogs.SendRequestAsync(MintLogFilter(RewardsContract, requestId, _chain.DeploymentBlock ?? 0));
            return new(logs.FirstOrDefault() is { } log ? (log.TransactionHash, (long)log.BlockNumber.Value) : null, null);
        }
        catch (RpcResponseException refused)
        {
            return new(null, refused.Message);
        }
    }

    /// <summary>RewardMinted logs of one request id: the event's topic and the request id (its first indexed parameter).</summary>
    public static NewFilterInput MintLogFilter(string contract, string requestId, long fromBlock) => new()
    {
        Address = [contract],
        FromBlock = new BlockParameter(new HexBigInteger(fromBlock)),
        ToBlock = BlockParameter.CreateLatest(),
        Topics = [EventExtensions.GetEventABI<RewardMintedEventDTO>().Sha3Signature.EnsureHexPrefix(), requestId.ToLowerInvariant()],
    };

    private async Task<TransactionReceipt?> ReceiptAsync(string txHash) =>
        await Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(txHash);

    private static string DescribeCustomError(SmartContractCustomErrorRevertException revert)
    {
        if (revert.IsCustomErrorFor<AccessControlUnauthorizedAccountError>())
        {
            var denied = revert.DecodeError<AccessControlUnauthorizedAccountError>();
            return string.Create(CultureInfo.InvariantCulture, $"AccessControlUnauthorizedAccount({denied.Account}, {denied.NeededRole.ToHex(true)})");
        }

        return $"custom error {revert.ExceptionEncodedData}";
    }

    private static bool Contains(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
