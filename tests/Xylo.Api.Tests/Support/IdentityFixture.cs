using Alba;

namespace Xylo.Api.Tests.Support;

/// <summary>A host wired to a fake X and a fake YouTube, both real HTTP servers on loopback.</summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public const string SiweDomain = "app.xylo.test";
    public const string SiweUri = "https://app.xylo.test";
    public const long ChainId = 80002;

    public IAlbaHost Host { get; private set; } = null!;

    public FakeX X { get; private set; } = null!;

    public FakeYouTube YouTube { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        X = await FakeX.StartAsync();
        YouTube = await FakeYouTube.StartAsync();
        Host = await XyloHost.StartAsync(new Dictionary<string, string?>(X.HostSettings())
        {
            ["Auth:BootstrapAdmins:0"] = "x-admin-1",
            ["Auth:BootstrapAdmins:1"] = "x-admin-2",
            ["YOUTUBE_API_KEY"] = YouTube.ApiKey,
            ["YouTube:BaseUrl"] = YouTube.BaseUrl,
            ["Siwe:Domain"] = SiweDomain,
            ["Siwe:Uri"] = SiweUri,
            ["Siwe:ChainId"] = ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await X.DisposeAsync();
        await YouTube.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityFixture>
{
    public const string Name = "identity";
}
