using System.Net;
using Alba;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

/// <summary>Two instances behind one load balancer enforce one limit: the counters live in Redis.</summary>
public sealed class SharedRateLimitTests : IAsyncLifetime
{
    private const int Limit = 4;
    private readonly string _prefix = $"test:shared:{Guid.NewGuid():N}";
    private IAlbaHost _first = null!;
    private IAlbaHost _second = null!;

    public async ValueTask InitializeAsync()
    {
        _first = await XyloHost.StartAsync(Settings());
        _second = await XyloHost.StartAsync(Settings());
    }

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task Two_hosts_share_one_limit_through_redis()
    {
        await GetAsync(_first, 200);
        await GetAsync(_second, 200);
        await GetAsync(_first, 200);
        await GetAsync(_second, 200);

        await GetAsync(_first, 429);
        await GetAsync(_second, 429);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["RateLimiting:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:KeyPrefix"] = _prefix,
    };

    private static Task<IScenarioResult> GetAsync(IAlbaHost host, int expected) => host.Scenario(s =>
    {
        s.Get.Url("/");
        s.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.77"));
        s.StatusCodeShouldBe(expected);
    });
}
