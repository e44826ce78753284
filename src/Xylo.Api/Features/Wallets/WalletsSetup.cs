using Marten;

namespace Xylo.Api.Features.Wallets;

public static class WalletsSetup
{
    public static IServiceCollection AddXyloWallets(this IServiceCollection services)
    {
        services.AddOptions<SiweOptions>().BindConfiguration(SiweOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static StoreOptions AddWalletDocuments(this StoreOptions options)
    {
        options.Schema.For<WalletNonce>().UseOptimisticConcurrency(true);
        return options;
    }
}
