using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Xylo.Api.Chain;
using Xylo.Api.External.Slack;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Mints;
using Xylo.Api.Operations.Errors;

namespace Xylo.Api.Features.Contracts;

public sealed record ContractPauseState(string Contract, string Address, bool Paused, string? TxHash, long? BlockNumber);

public static class PauseContractEndpoint
{
    public static readonly TimeSpan ReceiptWait = TimeSpan.FromSeconds(30);

    /// <summary>Pausing defers new mints (they resume on unpause); the transaction takes the signer's next nonce like any other.</summary>
    [WolverinePost("/admin/contracts/{contract}/pause"), Authorize(Policy = Policies.Admin)]
    public static Task<IResult> Pause(string contract, ClaimsPrincipal admin, IDocumentSession session, IMessageBus bus, ChainGateway chain,
        TimeProvider clock, ILogger<ContractPauseState> logger, CancellationToken cancellation) =>
        SetAsync(contract, pause: true, admin, session, bus, chain, clock, logger, cancellation);

    [WolverinePost("/admin/contracts/{contract}/unpause"), Authorize(Policy = Policies.Admin)]
    public static Task<IResult> Unpause(string contract, ClaimsPrincipal admin, IDocumentSession session, IMessageBus bus, ChainGateway chain,
        TimeProvider clock, ILogger<ContractPauseState> logger, CancellationToken cancellation) =>
        SetAsync(contract, pause: false, admin, session, bus, chain, clock, logger, cancellation);

    private static async Task<IResult> SetAsync(string contract, bool pause, ClaimsPrincipal admin, IDocumentSession session, IMessageBus bus,
        ChainGateway chain, TimeProvider clock, ILogger logger, CancellationToken cancellation)
    {
        if (contract is not ("rewards" or "vault")) return Problems.NotFound($"no contract '{contract}' (rewards or vault)");

        string address;
        try
        {
            address = chain.ContractFor(contract);
        }
        catch (InvalidOperationException notConfigured)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: notConfigured.Message);
        }

        if (await chain.IsPausedAsync(address) == pause) return Results.Ok(new ContractPauseState(contract, address, pause, null, null));

        var now = clock.GetUtcNow();
        var nonce = await SignerNonces.TakeAsync(session, chain, 1, cancellation);
        var tx = await chain.SignPauseAsync(address, pause, nonce, await chain.QuoteFeesAsync());
        var action = pause ? "pause" : "unpause";
        SignerNonces.Record(session, tx, $"{action}:{contract} by {admin.Id()}", now);
        await session.SaveChangesAsync(cancellation);

        await chain.BroadcastAsync(tx.RawTransaction);
        logger.LogWarning("Admin {AdminId} sent {Action} to the {Contract} contract {Address}: tx {TxHash}, nonce {Nonce}",
            admin.Id(), action, contract, address, tx.TxHash, nonce);

        var deadline = clock.GetUtcNow() + ReceiptWait;
        while (clock.GetUtcNow() < deadline)
        {
            if (await chain.OutcomeAsync(tx.TxHash) is { } outcome)
            {
                if (!outcome.Succeeded)
                {
                    return Results.Problem(statusCode: StatusCodes.Status502BadGateway, detail: $"the {action} transaction {tx.TxHash} reverted");
                }

                await bus.PublishAsync(SlackNotice.Monitoring($"Contract {contract} ({address}) {action}d by admin {admin.Id()} (tx {tx.TxHash})"));
                if (!pause && contract == "rewards") await bus.PublishAsync(new ResumeDeferredMints());
                return Results.Ok(new ContractPauseState(contract, address, pause, tx.TxHash, outcome.BlockNumber));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), clock, cancellation);
        }

        return Results.Accepted(value: new ContractPauseState(contract, address, !pause, tx.TxHash, null));
    }
}
