using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Audit;

[Collection(DevelopmentCollection.Name)]
public sealed class AuditIntegrityTests(DevelopmentFixture fixture)
{
    private IAlbaHost Host => fixture.Host;

    [Fact]
    public async Task The_stored_chain_is_sha256_over_the_previous_hash_and_the_event_as_postgresql_prints_it()
    {
        var auditor = await Host.DevSignInAsync(roles: ["auditor"]);
        var head = (await Host.ChainCaughtUpAsync(auditor)).GetProperty("head");

        // Recomputed by PostgreSQL itself, independently of the C# hashing code.
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "select encode(c.hash, 'hex'), encode(sha256(convert_to(concat_ws(E'\\n', " +
            "coalesce((select encode(p.hash, 'hex') from xylo.audit_chain p where p.seq_id < e.seq_id order by p.seq_id desc limit 1), repeat('0', 64)), " +
            "e.seq_id::text, e.stream_id::text, e.version::text, e.type, e.data::text, " +
            "to_char(e.timestamp at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), e.id::text, " +
            "coalesce(e.correlation_id, ''), coalesce(e.causation_id, ''), coalesce(e.user_name, ''), coalesce(e.headers::text, '')), 'UTF8')), 'hex') " +
            "from xylo.mt_events e join xylo.audit_chain c on c.seq_id = e.seq_id where e.seq_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = head.GetProperty("sequence").GetInt64() });
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        (await reader.ReadAsync(TestContext.Current.CancellationToken)).ShouldBeTrue();
        reader.GetString(0).ShouldBe(reader.GetString(1));
        reader.GetString(0).ShouldBe(head.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task The_chain_lag_is_a_metric_that_returns_to_zero_once_the_chain_catches_up()
    {
        var auditor = await Host.DevSignInAsync(roles: ["auditor"]);
        await Host.ChainCaughtUpAsync(auditor);
        var exposition = await Eventually.Get(async () => await (await Host.Scenario(s => s.Get.Url("/metrics"))).ReadAsTextAsync(),
            text => text.Contains("\nxylo_audit_chain_lag_events 0", StringComparison.Ordinal));
        exposition.ShouldContain("# TYPE xylo_audit_chain_lag_events gauge");
        MetricsText.Value(exposition, "xylo_audit_chain_lag_events").ShouldBe(0);
    }

    [Fact]
    public async Task Changing_one_event_in_the_database_breaks_the_chain_at_that_sequence()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var auditor = await Host.DevSignInAsync(roles: ["auditor"]);
        var fan = await Host.DevSignInAsync();
        await Host.AwardEachAsync(admin, fan.User.Id, 7, 8, 9);
        var target = (await Host.StreamSequencesAsync(fan.User.Id))[^2];

        var intact = await Host.ChainCaughtUpAsync(auditor);
        intact.GetProperty("firstBrokenSequence").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null, intact.ToString());
        intact.GetProperty("verified").GetInt64().ShouldBe(intact.GetProperty("head").GetProperty("sequence").GetInt64() - intact.GetProperty("from").GetInt64() + 1
            - await GapsAsync(intact.GetProperty("head").GetProperty("sequence").GetInt64()));

        await using var connection = await OpenAsync();
        string original;
        await using (var read = new NpgsqlCommand("select data::text from xylo.mt_events where seq_id = $1", connection))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = target });
            original = (string)(await read.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }

        try
        {
            await ExecuteAsync(connection, "update xylo.mt_events set data = jsonb_set(data, '{Amount}', '8000') where seq_id = $1", target);
            var broken = await Host.GetJsonAsync("/audit/integrity", auditor);
            broken.GetProperty("firstBrokenSequence").GetInt64().ShouldBe(target);
            broken.GetProperty("reason").GetString()!.ShouldContain("hash does not match");

            var before = await Host.GetJsonAsync($"/audit/integrity?to={target - 1}", auditor);
            before.GetProperty("firstBrokenSequence").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null, "the range before the change verifies");
            var after = await Host.GetJsonAsync($"/audit/integrity?from={target + 1}", auditor);
            after.GetProperty("firstBrokenSequence").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null, "later links chain to the stored hash, which is intact");
        }
        finally
        {
            await ExecuteAsync(connection, "update xylo.mt_events set data = $2::jsonb where seq_id = $1", target, original);
        }

        (await Host.GetJsonAsync("/audit/integrity", auditor)).GetProperty("firstBrokenSequence").ValueKind
            .ShouldBe(System.Text.Json.JsonValueKind.Null, "restoring the data restores the chain");

        // Who acted is an audit fact as much as what happened.
        string actor;
        await using (var read = new NpgsqlCommand("select user_name from xylo.mt_events where seq_id = $1", connection))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = target });
            actor = (string)(await read.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }

        try
        {
            await ExecuteAsync(connection, "update xylo.mt_events set user_name = $2 where seq_id = $1", target, Guid.NewGuid().ToString());
            (await Host.GetJsonAsync("/audit/integrity", auditor)).GetProperty("firstBrokenSequence").GetInt64().ShouldBe(target);
        }
        finally
        {
            await ExecuteAsync(connection, "update xylo.mt_events set user_name = $2 where seq_id = $1", target, actor);
        }

        (await Host.GetJsonAsync("/audit/integrity", auditor)).GetProperty("firstBrokenSequence").ValueKind
            .ShouldBe(System.Text.Json.JsonValueKind.Null, "restoring the actor restores the chain");
        await Host.GetJsonAsync("/audit/integrity?from=abc", auditor, 400);
        await Host.GetJsonAsync("/audit/integrity?from=10&to=5", auditor, 400);
    }

    private async Task<long> GapsAsync(long head)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("select $1 - count(*) from xylo.mt_events where seq_id <= $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = head });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<NpgsqlConnection> OpenAsync() =>
        await Host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(CancellationToken.None);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }
}
