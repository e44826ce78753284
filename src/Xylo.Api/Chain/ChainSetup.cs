using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Options;

namespace Xylo.Api.Chain;

public static class ChainSetup
{
    /// <summary>The environment variable naming the file <c>contracts deploy</c> wrote (optional).</summary>
    public const string ContractsFile = "XYLO_CONTRACTS_FILE";

    /// <summary>Chain options from the <c>Chain</c> section, the deployed addresses file, the chain health check.</summary>
    public static WebApplicationBuilder AddXyloChain(this WebApplicationBuilder builder)
    {
        AddContractsFile(builder.Configuration);
        builder.Services.AddOptions<ChainOptions>().BindConfiguration(ChainOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChainOptions>, ChainOptionsValidator>();
        builder.Services.AddSingleton<ChainHealthCheck>();
        return builder;
    }

    /// <summary>
    /// The deployed addresses override appsettings but not environment variables or the command line,
    /// so an operator can still pin one value by hand.
    /// </summary>
    private static void AddContractsFile(ConfigurationManager configuration)
    {
        if (configuration[ContractsFile] is not { Length: > 0 } file) return;
        var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = Path.GetFullPath(file), Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        var sources = ((IConfigurationBuilder)configuration).Sources;
        var environment = sources.ToList().FindLastIndex(s => s is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        sources.Insert(environment < 0 ? sources.Count : environment, source);
    }
}
