using Marten;

namespace Xylo.Api.Features.Auth;

public static class AuthDocuments
{
    public static StoreOptions AddAuthDocuments(this StoreOptions options)
    {
        // Two concurrent refreshes of one token: the second update fails on the version instead of minting a second child.
        options.Schema.For<RefreshSession>().Index(x => x.FamilyId).Index(x => x.UserId).UseOptimisticConcurrency(true);
        options.Schema.For<DataProtectionKey>();
        return options;
    }
}
