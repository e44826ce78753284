using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Xylo.Api.Features.Auth;

public sealed record DataProtectionKey(string Id, string Xml);

/// <summary>
/// The data-protection key ring lives in PostgreSQL, so every instance can read the OAuth state and
/// correlation cookie another instance wrote (a sign-in may start on one node and finish on another).
/// </summary>
/// <remarks>IXmlRepository is synchronous by design; it is read when the key ring is (re)loaded, rarely.</remarks>
public sealed class MartenXmlRepository(IDocumentStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var session = store.QuerySession();
        var keys = session.Query<DataProtectionKey>().ToListAsync().GetAwaiter().GetResult();
        return keys.Select(key => XElement.Parse(key.Xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var session = store.LightweightSession();
        session.Store(new DataProtectionKey(friendlyName, element.ToString(SaveOptions.DisableFormatting)));
        session.SaveChangesAsync().GetAwaiter().GetResult();
    }
}
