using Alba;

namespace Xylo.Api.Tests.Support;

/// <summary>A host in the Development environment, where <c>POST /auth/dev/sign-in</c> exists.</summary>
public sealed class DevelopmentFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await XyloHost.StartAsync(environment: "Development");

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class DevelopmentCollection : ICollectionFixture<DevelopmentFixture>
{
    public const string Name = "development";
}
