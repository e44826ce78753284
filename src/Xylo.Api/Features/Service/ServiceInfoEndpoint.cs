using System.Reflection;
using Wolverine.Http;

namespace Xylo.Api.Features.Service;

public sealed record ServiceInfo(string Name, string Version, string Environment, IReadOnlyDictionary<string, string> Links);

/// <summary>The API's front door: what it is and where its documentation, health and metrics live.</summary>
public static class ServiceInfoEndpoint
{
    private static readonly string Version =
        typeof(ServiceInfoEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    [WolverineGet("/")]
    public static ServiceInfo Get(IHostEnvironment environment) => new("xylo", Version, environment.EnvironmentName, new Dictionary<string, string>
    {
        ["docs"] = "/docs",
        ["openapi"] = "/openapi/v1.json",
        ["health"] = "/health",
        ["ready"] = "/health/ready",
        ["metrics"] = "/metrics",
    });
}
