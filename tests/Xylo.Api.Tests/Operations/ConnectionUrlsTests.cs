using Shouldly;
using Xylo.Api.Operations.Configuration;

namespace Xylo.Api.Tests.Operations;

public sealed class ConnectionUrlsTests
{
    [Fact]
    public void A_postgres_url_becomes_an_npgsql_connection_string()
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(
            ConnectionUrls.ToNpgsql("postgres://app%40prod:p%3Ass@db.internal:6543/unble?sslmode=require"));

        connection.Host.ShouldBe("db.internal");
        connection.Port.ShouldBe(6543);
        connection.Database.ShouldBe("unble");
        connection.Username.ShouldBe("app@prod");
        connection.Password.ShouldBe("p:ss");
        connection.SslMode.ShouldBe(Npgsql.SslMode.Require);
    }

    [Fact]
    public void A_postgresql_url_without_a_port_uses_5432()
    {
        new Npgsql.NpgsqlConnectionStringBuilder(ConnectionUrls.ToNpgsql("postgresql://u:p@localhost/xylo")).Port.ShouldBe(5432);
    }

    [Fact]
    public void A_key_value_connection_string_passes_through()
    {
        new Npgsql.NpgsqlConnectionStringBuilder(ConnectionUrls.ToNpgsql("Host=h;Port=1;Database=d;Username=u"))
            .Database.ShouldBe("d");
    }

    [Theory]
    [InlineData("redis://127.0.0.1:6380", "127.0.0.1:6380")]
    [InlineData("redis://:s3cret@cache:6379/2", "cache:6379,password=s3cret,defaultDatabase=2")]
    [InlineData("rediss://user:pw@cache", "cache:6379,user=user,password=pw,ssl=true")]
    [InlineData("cache:6379,abortConnect=false", "cache:6379,abortConnect=false")]
    public void A_redis_url_becomes_a_stackexchange_configuration(string url, string expected)
    {
        ConnectionUrls.ToRedis(url).ShouldBe(expected);
    }
}
