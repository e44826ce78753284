using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Xylo.Domain.Wallets;

/// <summary>What this server expects of a sign-in message: which site and chain it was signed for, and how fresh it must be.</summary>
/// <param name="Domain">The authority the wallet saw, e.g. <c>localhost:3000</c>.</param>
/// <param name="Uri">The origin of the site, e.g. <c>http://localhost:3000</c>; the message URI must be it or lie under it.</param>
/// <param name="ChainId">The EIP-155 chain the session is bound to, e.g. 80002 (Polygon Amoy).</param>
public sealed record SiweExpectations(string Domain, string Uri, long ChainId)
{
    /// <summary>How far a wallet's clock may run ahead of ours when it stamps <see cref="SiweMessage.IssuedAt"/>.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a message without an expiration time stays usable after it was issued.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(10);
}

public enum SiweRejectionCode
{
    WrongDomain,
    WrongUri,
    WrongChain,
    IssuedInTheFuture,
    NotYetValid,
    Expired,
    TooOld,
}

/// <summary>Either <see cref="Ok"/>, or a rejection with a code for machines and a detail for people.</summary>
public sealed record SiweCheckResult
{
    private SiweCheckResult(SiweRejectionCode? code, string? detail)
    {
        Code = code;
        Detail = detail;
    }

    public static SiweCheckResult Ok { get; } = new(null, null);

    public SiweRejectionCode? Code { get; }

    public string? Detail { get; }

    [MemberNotNullWhen(false, nameof(Code), nameof(Detail))]
    public bool IsOk => Code is null && Detail is null;

    public static SiweCheckResult Rejected(SiweRejectionCode code, string detail) => new(code, detail);
}

/// <summary>
/// Whether a parsed sign-in message was meant for this server and is fresh. The signature and the nonce are not
/// checked here: the signature needs Keccak (the Api's <c>SiweSignature</c>), the nonce needs the store that issued it
/// (<see cref="SiweMessage.Nonce"/>).
/// </summary>
public static class SiweRules
{
    public static SiweCheckResult Check(SiweMessage message, SiweExpectations expected, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(expected);

        var origin = expected.Uri.TrimEnd('/');
        var expectedScheme = origin.Split("://", 2)[0];

        // Host names are case-insensitive; a wallet may show and sign the domain in any case.
        if (!string.Equals(message.Domain, expected.Domain, StringComparison.OrdinalIgnoreCase))
            return Reject(SiweRejectionCode.WrongDomain, $"The message was signed for {message.Domain}, not {expected.Domain}.");
        if (message.Scheme is not null && !string.Equals(message.Scheme, expectedScheme, StringComparison.OrdinalIgnoreCase))
            return Reject(SiweRejectionCode.WrongDomain, $"The message was signed for {message.Scheme}://{message.Domain}, not {origin}.");
        if (!IsAtOrUnder(message.Uri, origin))
            return Reject(SiweRejectionCode.WrongUri, $"The message URI {message.Uri} is not {origin} or a page of it.");
        if (message.ChainId != expected.ChainId)
            return Reject(SiweRejectionCode.WrongChain, $"The message is for chain {message.ChainId}, not {expected.ChainId}.");

        if (message.IssuedAt > now + expected.ClockSkew)
            return Reject(SiweRejectionCode.IssuedInTheFuture, $"The message was issued at {Format(message.IssuedAt)}, after {Format(now)} even allowing for clock skew.");
        if (message.NotBefore is { } notBefore && now < notBefore)
            return Reject(SiweRejectionCode.NotYetValid, $"The message is not valid before {Format(notBefore)}.");
        if (message.ExpirationTime is { } expiration && now >= expiration)
            return Reject(SiweRejectionCode.Expired, $"The message expired at {Format(expiration)}.");

        // Without an expiration a captured message would stay usable for as long as its nonce is; bound it.
        if (message.ExpirationTime is null && now - message.IssuedAt > expected.MaxAge)
            return Reject(SiweRejectionCode.TooOld, $"The message was issued at {Format(message.IssuedAt)}, more than {expected.MaxAge.TotalMinutes:0.#} minutes ago; sign a new one.");

        return SiweCheckResult.Ok;
    }

    /// <summary>
    /// The URI must be the origin itself or continue it with a path, query or fragment. A bare prefix test would let
    /// <c>http://localhost:3000.evil.example</c> or <c>http://localhost:30001</c> through.
    /// </summary>
    private static bool IsAtOrUnder(string uri, string origin) =>
        uri.StartsWith(origin, StringComparison.OrdinalIgnoreCase)
        && (uri.Length == origin.Length || uri[origin.Length] is '/' or '?' or '#');

    private static SiweCheckResult Reject(SiweRejectionCode code, string detail) => SiweCheckResult.Rejected(code, detail);

    private static string Format(DateTimeOffset value) => value.ToString("u", CultureInfo.InvariantCulture);
}
