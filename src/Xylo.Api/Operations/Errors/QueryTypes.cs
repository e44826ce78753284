using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Xylo.Api.Operations.Errors;

/// <summary>
/// A query value an endpoint takes as a number, a flag or an id must be one: Wolverine's binding keeps the default when
/// the text does not parse, so <c>?pageSize=abc</c> would quietly answer the default page. Read from the endpoint's own
/// method (the <see cref="HttpChain"/> in its metadata), so an endpoint added later is covered without a check of its own.
/// </summary>
public static class QueryTypes
{
    private static readonly ConcurrentDictionary<HttpChain, (string Name, Type Type)[]> Typed = new();

    /// <summary>The first query value of <paramref name="context"/>'s endpoint that does not parse as its type, with what it must be.</summary>
    public static (string Name, string Expected)? FirstMistyped(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<HttpChain>() is not { } chain) return null;
        foreach (var (name, type) in Typed.GetOrAdd(chain, TypedParameters))
        {
            foreach (var value in context.Request.Query[name])
            {
                if (value is not null && !Parses(type, value)) return (name, Describe(type));
            }
        }

        return null;
    }

    private static (string, Type)[] TypedParameters(HttpChain chain)
    {
        var route = chain.RoutePattern?.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        return chain.Method.Method.GetParameters()
            .Where(p => p.Name is not null && !route.Contains(p.Name) && Describe(Unwrap(p.ParameterType)) != "" &&
                        p.GetCustomAttribute<FromServicesAttribute>() is null && p.GetCustomAttribute<FromHeaderAttribute>() is null &&
                        p.GetCustomAttribute<FromRouteAttribute>() is null)
            .Select(p => (p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name!, Unwrap(p.ParameterType)))
            .ToArray();
    }

    private static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "an integer",
        _ when type == typeof(decimal) || type == typeof(double) || type == typeof(float) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(Guid) => "an id (a UUID)",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "an ISO 8601 timestamp",
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
        _ => "",
    };

    private static bool Parses(Type type, string value)
    {
        var invariant = CultureInfo.InvariantCulture;
        return type switch
        {
            _ when type == typeof(int) => int.TryParse(value, invariant, out _),
            _ when type == typeof(long) => long.TryParse(value, invariant, out _),
            _ when type == typeof(short) => short.TryParse(value, invariant, out _),
            _ when type == typeof(decimal) => decimal.TryParse(value, invariant, out _),
            _ when type == typeof(double) => double.TryParse(value, invariant, out var d) && double.IsFinite(d),
            _ when type == typeof(float) => float.TryParse(value, invariant, out var f) && float.IsFinite(f),
            _ when type == typeof(bool) => bool.TryParse(value, out _),
            _ when type == typeof(Guid) => Guid.TryParse(value, out _),
            _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, invariant, DateTimeStyles.None, out _),
            _ when type == typeof(DateTime) => DateTime.TryParse(value, invariant, DateTimeStyles.None, out _),
            _ when type.IsEnum => Enum.TryParse(type, value, ignoreCase: true, out _),
            _ => true,
        };
    }
}
