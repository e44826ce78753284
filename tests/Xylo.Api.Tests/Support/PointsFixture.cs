using Alba;
using Microsoft.Extensions.DependencyInjection;

namespace Xylo.Api.Tests.Support;

/// <summary>A host with a fake X (for users), a fake YouTube, an integration key and a clock tests can move.</summary>
public sealed class PointsFixture : IAsyncLifetime
{
    public const string IntegrationKey = "test-integration-key-5f1c2a9e";

    public IAlbaHost Host { get; private set; } = null!;

    public FakeX X { get; private set; } = null!;

    public FakeYouTube YouTube { get; private set; } = null!;

    public ShiftedClock Clock { get; } = new();

    public async ValueTask InitializeAsync()
    {
        X = await FakeX.StartAsync();
        YouTube = await FakeYouTube.StartAsync();
        Host = await XyloHost.StartAsync(new Dictionary<string, string?>(X.HostSettings())
        {
            ["Auth:BootstrapAdmins:0"] = "points-admin",
            ["INTEGRATION_API_KEYS"] = $"other-key-123456,{IntegrationKey}",
            ["YOUTUBE_API_KEY"] = YouTube.ApiKey,
            ["YouTube:BaseUrl"] = YouTube.BaseUrl,
        }, configureServices: services => services.AddSingleton<TimeProvider>(Clock));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await X.DisposeAsync();
        await YouTube.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PointsCollection : ICollectionFixture<PointsFixture>
{
    public const string Name = "points";
}
