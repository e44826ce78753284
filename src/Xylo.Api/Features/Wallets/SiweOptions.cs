using System.ComponentModel.DataAnnotations;

namespace Xylo.Api.Features.Wallets;

/// <summary>What a Sign-In with Ethereum message must say to link a wallet here (section <c>Siwe</c>).</summary>
public sealed class SiweOptions
{
    public const string Section = "Siwe";

    /// <summary>The RFC 3986 authority the app is served from, e.g. <c>xylomvp.world</c>.</summary>
    [Required]
    public string Domain { get; set; } = "localhost:3000";

    /// <summary>The origin the message's URI must belong to.</summary>
    [Required, Url]
    public string Uri { get; set; } = "http://localhost:3000";

    /// <summary>Polygon Amoy (80002) locally and on staging; Polygon (137) in production.</summary>
    [Range(1, long.MaxValue)]
    public long ChainId { get; set; } = 80002;

    [Range(1, 60)]
    public int NonceMinutes { get; set; } = 5;

    public TimeSpan NonceLifetime => TimeSpan.FromMinutes(NonceMinutes);
}
