using Npgsql;

namespace Xylo.Api.Tests.Support;

/// <summary>Databases of their own on the test server, for tests that restore, drop or compare whole databases.</summary>
public static class TestDatabases
{
    public static async Task<string> CreateAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40];
        await using var admin = NpgsqlDataSource.Create(Npgsql(TestStack.DatabaseUrl));
        await using var command = admin.CreateCommand($"create database {name}");
        await command.ExecuteNonQueryAsync();
        return new UriBuilder(TestStack.DatabaseUrl) { Path = "/" + name }.Uri.ToString();
    }

    public static async Task DropAsync(string url)
    {
        var name = new Uri(url).AbsolutePath.TrimStart('/');
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(Npgsql(TestStack.DatabaseUrl));
        await using var command = admin.CreateCommand($"drop database if exists {name} with (force)");
        await command.ExecuteNonQueryAsync();
    }

    public static string Npgsql(string url) => Xylo.Api.Operations.Configuration.ConnectionUrls.ToNpgsql(url);
}
