using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Xylo.Api.Chain;

namespace Xylo.Api.Features.Vault;

/// <summary>Degraded when the indexer cannot reach the RPC, has not polled lately, or is more than Vault:MaxLagBlocks behind.</summary>
public sealed class VaultIndexerHealthCheck(IDocumentStore store, ChainGateway chain, IOptions<VaultOptions> options, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (!settings.Enabled || !chain.IsVaultConfigured) return HealthCheckResult.Healthy("Vault indexer off (Vault:Enabled or Chain:VaultContract)");

        await using var session = store.QuerySession();
        var state = await session.LoadAsync<VaultIndexerState>(VaultIndexerState.Key, cancellationToken);
        if (state is null) return HealthCheckResult.Degraded("The vault indexer has not polled yet");

        var data = new Dictionary<string, object> { ["cursor"] = state.Cursor, ["lagBlocks"] = state.LagBlocks ?? -1 };
        if (state.LastError is { } error) return HealthCheckResult.Degraded($"The vault indexer waits for the chain RPC: {error}", data: data);

        var quiet = TimeSpan.FromMilliseconds(Math.Max(30_000, settings.PollIntervalMilliseconds * 10));
        if (state.PolledAt is not { } polled || clock.GetUtcNow() - polled > quiet)
        {
            return HealthCheckResult.Degraded($"The vault indexer has not polled since {state.PolledAt:O}", data: data);
        }

        return state.LagBlocks > settings.MaxLagBlocks
            ? HealthCheckResult.Degraded($"The vault indexer is {state.LagBlocks} blocks behind the safe head (max {settings.MaxLagBlocks})", data: data)
            : HealthCheckResult.Healthy($"Vault indexed to block {state.Cursor}", data);
    }
}
