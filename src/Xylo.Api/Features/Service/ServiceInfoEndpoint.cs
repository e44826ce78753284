using Microsoft.AspNetCore.Authorization;
using System.Reflection;
using Wolverine.Http;

namespace Xylo.Api.Features.Service;

public sealed record ServiceInfo(string Name, string Version, string? Environment, IReadOnlyDictionary<string, string> Links);

/// <summary>The API's front door: what it is and where its documentation, health and metrics live.</summary>
public static class ServiceInfoEndpoint
{
    private static readonly string Version =
        typeof(ServiceInfoEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>In Production the environment's name and the API reference are not advertised to anonymous callers.</summary>
    [WolverineGet("/"), AllowAnonymous]
    public static ServiceInfo Get(IHostEnvironment environment)
    {
        var production = environment.IsProduction();
        var links = new Dictionary<string, string> { ["health"] = "/health" };
        if (!production)
        {
            links["docs"] = "/docs";
            links["openapi"] = "/openapi/v1.json";
        }

        return new ServiceInfo("xylo", Version, production ? null : environment.EnvironmentName, links);
    }
}
