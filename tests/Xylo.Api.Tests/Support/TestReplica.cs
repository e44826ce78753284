using Npgsql;

namespace Xylo.Api.Tests.Support;

/// <summary>
/// The test stack's streaming replica (<c>.local/test/pg-replica</c>), shared by the stack: stopped and started through
/// <c>./xylo stack down|up test replica</c>, its replay paused and resumed as its superuser over its Unix socket.
/// </summary>
public static class TestReplica
{
    public static async Task StopAsync() => await RunAsync("down");

    public static async Task StartAsync() => await RunAsync("up");

    /// <summary>The replica keeps receiving WAL but applies none of it: what it serves stays as of now.</summary>
    public static Task PauseReplayAsync() => SuperuserAsync("select pg_wal_replay_pause()");

    public static Task ResumeReplayAsync() => SuperuserAsync("select pg_wal_replay_resume()");

    /// <summary><c>pg_is_in_recovery()</c> on the replica, as the API's role connects to it.</summary>
    public static async Task<bool> InRecoveryAsync()
    {
        await using var source = NpgsqlDataSource.Create(TestDatabases.Npgsql(TestStack.ReplicaUrl));
        await using var command = source.CreateCommand("select pg_is_in_recovery()");
        return (bool)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static async Task RunAsync(string action)
    {
        var (exitCode, output) = await XyloScript.RunAsync(null, "stack", action, "test", "replica");
        if (exitCode != 0) throw new InvalidOperationException($"./xylo stack {action} test replica exited {exitCode}:\n{output}");
    }

    private static async Task SuperuserAsync(string sql)
    {
        var connection = new NpgsqlConnectionStringBuilder
        {
            Host = Repository.PathOf(".local", "test", "pg-replica", "run"),
            Port = StackPorts.Get("TEST_PG_REPLICA"),
            Username = "postgres",
            Database = "postgres",
            Pooling = false,
        };
        await using var source = NpgsqlDataSource.Create(connection.ConnectionString);
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
