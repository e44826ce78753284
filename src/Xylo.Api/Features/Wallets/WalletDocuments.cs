using Marten;

namespace Xylo.Api.Features.Wallets;

public static class WalletDocuments
{
    public static StoreOptions AddWalletDocuments(this StoreOptions options)
    {
        options.Schema.For<WalletNonce>().UseOptimisticConcurrency(true);
        return options;
    }
}
