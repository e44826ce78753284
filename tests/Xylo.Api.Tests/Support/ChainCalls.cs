using System.Security.Cryptography;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Shouldly;

namespace Xylo.Api.Tests.Support;

/// <summary>Short forms of Nethereum's typed transaction and query handlers for contract tests.</summary>
public static class ChainCalls
{
    /// <summary>Sends a transaction and waits for its receipt, which must have succeeded.</summary>
    public static async Task<TransactionReceipt> SendAsync<TFunction>(this IWeb3 web3, string contract, TFunction function)
        where TFunction : FunctionMessage, new()
    {
        var receipt = await web3.Eth.GetContractTransactionHandler<TFunction>().SendRequestAndWaitForReceiptAsync(contract, function);
        receipt.Status.Value.ShouldBe(1, $"transaction {receipt.TransactionHash} failed");
        return receipt;
    }

    public static Task<TResult> QueryAsync<TFunction, TResult>(this IWeb3 web3, string contract, TFunction function)
        where TFunction : FunctionMessage, new() =>
        web3.Eth.GetContractQueryHandler<TFunction>().QueryAsync<TResult>(contract, function);

    /// <summary>The events of type TEvent that <paramref name="contract"/> emitted in the transaction (ERC-20 and ERC-721 Transfer share a topic).</summary>
    public static List<TEvent> EventsOf<TEvent>(this TransactionReceipt receipt, string contract)
        where TEvent : IEventDTO, new() =>
        receipt.DecodeAllEvents<TEvent>()
            .Where(e => string.Equals(e.Log.Address, contract, StringComparison.OrdinalIgnoreCase))
            .Select(e => e.Event)
            .ToList();

    public static byte[] NewRequestId() => RandomNumberGenerator.GetBytes(32);
}
