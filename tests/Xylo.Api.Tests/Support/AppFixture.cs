using Alba;

namespace Xylo.Api.Tests.Support;

/// <summary>One host per test collection, against the test stack's PostgreSQL and Redis.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await XyloHost.StartAsync();

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "app";
}
