using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Wolverine.Http;

namespace Xylo.Api.Tests.Support;

// Test-only endpoints, discovered only by test hosts. They exercise the host's cross-cutting behaviour
// (templated routes, JSON binding, validation, failures, careless logging) with the shapes the
// business slices use.

public sealed record ProbeItem(string Name, int Quantity);

public static class GetProbeItemEndpoint
{
    [WolverineGet("/probe/items/{id}"), AllowAnonymous]
    public static ProbeItem Get(int id) => new($"item-{id}", id);
}

public static class PostProbeItemEndpoint
{
    public static ProblemDetails Validate(ProbeItem item) =>
        item.Quantity > 0
            ? WolverineContinue.NoProblems
            : new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Invalid item",
                Detail = "quantity must be positive",
                Extensions = { ["errors"] = new Dictionary<string, string[]> { ["quantity"] = ["must be positive"] } },
            };

    [WolverinePost("/probe/items"), AllowAnonymous]
    public static ProbeItem Post(ProbeItem item) => item;
}

public static class CrashingProbeEndpoint
{
    [WolverineGet("/probe/crash"), AllowAnonymous]
    public static string Get() => throw new InvalidOperationException("probe failure with internal detail");
}

public static class CarelessLoggingProbeEndpoint
{
    [WolverinePost("/probe/careless-log"), AllowAnonymous]
    public static string Post(HttpContext context, IConfiguration configuration, ILogger<ProbeItem> logger)
    {
#pragma warning disable CA1848, CA2254 // deliberately careless: this is what the redaction must survive
        logger.LogWarning("Careless line: auth {Authorization}, jwt {Jwt}, key {Key}, youtube {YouTube}, x {XSecret}, db {Database}, api key {ApiKey}, keys {ApiKeys}",
            context.Request.Headers.Authorization.ToString(), configuration["JWT_SECRET"], configuration["PRIVATE_KEY"],
            configuration["YOUTUBE_API_KEY"], configuration["X_CLIENT_SECRET"], configuration["DATABASE_URL"],
            context.Request.Headers["X-Api-Key"].ToString(), configuration["INTEGRATION_API_KEYS"]);
        logger.LogError(new InvalidOperationException($"exception text with {configuration["JWT_SECRET"]}"), "Careless exception");
#pragma warning restore CA1848, CA2254
        return "logged";
    }
}

public static class DatabaseDownProbeEndpoint
{
    /// <summary>What Marten throws while PostgreSQL restarts: a connection refused, wrapped.</summary>
    [WolverineGet("/probe/database-down"), AllowAnonymous]
    public static string Get() => throw new InvalidOperationException("command failed",
        new Npgsql.NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)));
}
