using Marten;
using Npgsql;
using Shouldly;
using Xylo.Api.Hosting;
using Xylo.Api.Tests.Support;
using Xylo.Projections;

namespace Xylo.Api.Tests.Recovery;

/// <summary>
/// The commands that replay the log plan each statement with its parameters and read it in large pages; the API keeps
/// PostgreSQL's generic plans for its prepared statements and reads small pages, the size whose generic plan walks
/// the sequence index instead of hashing every stream.
/// </summary>
public sealed class ReplayPlanningTests
{
    [Fact]
    public async Task The_replay_commands_plan_with_parameters_and_read_large_pages_and_the_api_does_neither()
    {
        var databaseUrl = await TestDatabases.CreateAsync("xylo_replay_planning");
        try
        {
            await using var replay = XyloDatabase.Create(databaseUrl, new DatabaseOptions { CustomPlans = true });
            await using var api = XyloDatabase.Create(databaseUrl, new DatabaseOptions());

            (await PlanCacheModeAsync(replay)).ShouldBe("force_custom_plan");
            (await PlanCacheModeAsync(api)).ShouldBe("auto");

            PageSizes(replay).ShouldAllBe(size => size == ProjectionsSetup.RebuildPageSize);
            PageSizes(api).ShouldAllBe(size => size == ProjectionsSetup.LivePageSize);
        }
        finally
        {
            await TestDatabases.DropAsync(databaseUrl);
        }
    }

    [Theory]
    [InlineData(new[] { "projections", "rebuild" }, true)]
    [InlineData(new[] { "recovery", "restore", "--archive", "a" }, true)]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "db-apply" }, false)]
    public void Only_the_commands_that_replay_the_log_plan_with_parameters(string[] args, bool replays) =>
        XyloDatabase.ForLogReplay(args).ShouldBe(replays);

    private static async Task<string> PlanCacheModeAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("show plan_cache_mode");
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static List<int> PageSizes(NpgsqlDataSource dataSource) =>
        new StoreOptions().ConfigureXyloStore(dataSource).Projections.All.Select(p => p.Options.BatchSize).ToList();
}
