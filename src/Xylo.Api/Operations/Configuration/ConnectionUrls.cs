using Npgsql;

namespace Xylo.Api.Operations.Configuration;

/// <summary>Turns the URL forms operators are given (postgres://, redis://) into client connection strings.</summary>
public static class ConnectionUrls
{
    public static string ToNpgsql(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new NpgsqlConnectionStringBuilder(value).ConnectionString;
        }

        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0) builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length > 1) builder.Password = Uri.UnescapeDataString(userInfo[1]);

        foreach (var (key, val) in ParseQuery(uri.Query))
        {
            // libpq spellings that Npgsql names differently
            var npgsqlKey = key.ToLowerInvariant() switch
            {
                "sslmode" => "SSL Mode",
                "application_name" => "Application Name",
                "connect_timeout" => "Timeout",
                _ => key,
            };
            builder[npgsqlKey] = val;
        }

        return builder.ConnectionString;
    }

    public static string ToRedis(string value)
    {
        if (!value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }

        var uri = new Uri(value);
        var parts = new List<string> { $"{uri.Host}:{(uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port)}" };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo.Length == 2)
        {
            if (userInfo[0].Length > 0) parts.Add($"user={Uri.UnescapeDataString(userInfo[0])}");
            parts.Add($"password={Uri.UnescapeDataString(userInfo[1])}");
        }
        else if (userInfo[0].Length > 0)
        {
            parts.Add($"password={Uri.UnescapeDataString(userInfo[0])}");
        }

        if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase)) parts.Add("ssl=true");
        var database = uri.AbsolutePath.Trim('/');
        if (database.Length > 0) parts.Add($"defaultDatabase={database}");
        return string.Join(',', parts);
    }

    private static IEnumerable<(string Key, string Value)> ParseQuery(string query) =>
        query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Uri.UnescapeDataString(kv[0]), kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : ""));
}
