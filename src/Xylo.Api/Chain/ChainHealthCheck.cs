using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Chain;

/// <summary>
/// Readiness of the chain: the RPC answers with the configured chain id, the rewards contract has code,
/// and the deployment block is still the recorded one. Every failure is Degraded: without the chain,
/// mints wait but everything else is served.
/// </summary>
public sealed class ChainHealthCheck(IOptions<XyloSecrets> secrets, IOptions<ChainOptions> options) : IHealthCheck
{
    private readonly Lazy<Web3?> _web3 = new(() =>
        secrets.Value[XyloSecrets.ChainRpcUrl] is { } url ? new Web3(url) : null);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var chain = options.Value;
        if (_web3.Value is not { } web3) return HealthCheckResult.Degraded($"{XyloSecrets.ChainRpcUrl} is not set: minting is off");
        if (string.IsNullOrEmpty(chain.RewardsContract))
        {
            return HealthCheckResult.Degraded("Chain:RewardsContract is not configured: deploy with `contracts deploy` (./xylo run does it locally)");
        }

        try
        {
            // Nethereum's requests take no cancellation token: stop waiting, let the request finish on its own
            var chainId = (long)(await web3.Eth.ChainId.SendRequestAsync().WaitAsync(cancellationToken)).Value;
            var data = new Dictionary<string, object> { ["chainId"] = chainId, ["rewardsContract"] = chain.RewardsContract };
            if (chainId != chain.ChainId)
            {
                return HealthCheckResult.Degraded($"The RPC serves chain {chainId}, configured is {chain.ChainId}", data: data);
            }

            var code = await web3.Eth.GetCode.SendRequestAsync(chain.RewardsContract).WaitAsync(cancellationToken);
            if (code is null || code.Length <= 2)
            {
                return HealthCheckResult.Degraded($"No contract code at Chain:RewardsContract {chain.RewardsContract} on chain {chainId}", data: data);
            }

            if (chain.DeploymentBlock is { } number && !string.IsNullOrEmpty(chain.DeploymentBlockHash))
            {
                var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber
                    .SendRequestAsync(new BlockParameter((ulong)number)).WaitAsync(cancellationToken);
                if (!string.Equals(block?.BlockHash, chain.DeploymentBlockHash, StringComparison.OrdinalIgnoreCase))
                {
                    return HealthCheckResult.Degraded(
                        $"Block {number} is {block?.BlockHash ?? "missing"}, not the recorded deployment block {chain.DeploymentBlockHash}: "
                        + "the chain was reset or the configuration belongs to another chain; redeploy", data: data);
                }
            }

            return HealthCheckResult.Healthy($"Chain {chainId}, rewards contract {chain.RewardsContract}", data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"The chain RPC did not answer: {e.GetBaseException().Message}", e);
        }
    }
}
