using System.Text.Json;

namespace Xylo.Api.Chain;

/// <summary>One compiled contract as contracts/build.mjs wrote it (embedded from contracts/artifacts).</summary>
public sealed record ContractArtifact(string Name, string Abi, string Bytecode, string DeployedBytecode, string CompilerVersion);

/// <summary>
/// The committed artifacts of contracts/src, embedded into this assembly, so the API deploys and calls
/// exactly the bytecode that <c>node contracts/build.mjs --check</c> vouches for.
/// </summary>
public static class ContractArtifacts
{
    public static ContractArtifact Rewards { get; } = Load("XyloRewards");

    public static ContractArtifact Vault { get; } = Load("XyloVault");

    /// <summary>A freely mintable ERC-20 for tests; never deploy it outside a local chain.</summary>
    public static ContractArtifact TestToken { get; } = Load("TestToken");

    private static ContractArtifact Load(string name)
    {
        var resource = $"Xylo.Api.Chain.Artifacts.{name}.json";
        using var stream = typeof(ContractArtifacts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded contract artifact {resource} is missing: build contracts/ (node contracts/build.mjs) and rebuild.");
        using var json = JsonDocument.Parse(stream);
        var root = json.RootElement;
        return new ContractArtifact(
            name,
            root.GetProperty("abi").GetRawText(),
            root.GetProperty("bytecode").GetString()!,
            root.GetProperty("deployedBytecode").GetString()!,
            root.GetProperty("compiler").GetProperty("version").GetString()!);
    }
}
