using System.Security.Cryptography;

namespace Xylo.Api.Tests.Support;

/// <summary>An X account as <c>GET /2/users/me</c> describes it; <paramref name="Id"/> is X's numeric id, as a string.</summary>
public sealed record FakeXUser(string Id, string Username, string Name)
{
    public static FakeXUser Random()
    {
        var id = RandomNumberGenerator.GetInt32(1, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture)
                 + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var handle = $"fan_{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
        return new FakeXUser(id, handle, $"Fan {handle[4..]}");
    }
}
