using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Xylo.Domain.Wallets;

/// <summary>A Sign-In with Ethereum message (EIP-4361): the text a wallet signs to prove it controls <see cref="Address"/>.</summary>
public sealed partial record SiweMessage
{
    private const string HeaderSuffix = " wants you to sign in with your Ethereum account:";

    /// <summary>RFC 3986 authority (host and optional port) the sign-in is for, e.g. <c>localhost:3000</c>.</summary>
    public required string Domain { get; init; }

    /// <summary>0x + 40 hex digits. Only the syntax is checked here: the EIP-55 checksum needs Keccak, which the Api has.</summary>
    public required string Address { get; init; }

    public string? Statement { get; init; }

    public required string Uri { get; init; }

    public string Version { get; init; } = "1";

    public required long ChainId { get; init; }

    /// <summary>At least 8 ASCII letters or digits; whether it was issued and is still unused is the caller's to check.</summary>
    public required string Nonce { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public DateTimeOffset? ExpirationTime { get; init; }

    public DateTimeOffset? NotBefore { get; init; }

    public string? RequestId { get; init; }

    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>The optional <c>scheme://</c> before the domain, which the final revision of EIP-4361 added.</summary>
    public string? Scheme { get; init; }

    /// <summary>Parses EIP-4361 text strictly: LF line endings, fields in the spec's order, nothing before or after.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out SiweMessage? message, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        message = parser.Parse();
        error = parser.Error;
        return message is not null;
    }

    /// <summary>
    /// The canonical EIP-4361 text of this message, the one that <see cref="TryParse"/> reads back as an equal message.
    /// Throws when the message was built with a value the spec forbids (a line break in the statement, a short nonce…),
    /// so that nothing a wallet could not sign in with is ever handed out.
    /// </summary>
    public string ToText()
    {
        var text = Render();
        return TryParse(text, out _, out var error)
            ? text
            : throw new InvalidOperationException($"The sign-in message is not valid EIP-4361: {error}");
    }

    public bool Equals(SiweMessage? other) =>
        other is not null
        && Domain == other.Domain
        && Address == other.Address
        && Statement == other.Statement
        && Uri == other.Uri
        && Version == other.Version
        && ChainId == other.ChainId
        && Nonce == other.Nonce
        && IssuedAt == other.IssuedAt
        && ExpirationTime == other.ExpirationTime
        && NotBefore == other.NotBefore
        && RequestId == other.RequestId
        && Resources.SequenceEqual(other.Resources)
        && Scheme == other.Scheme;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Domain);
        hash.Add(Address);
        hash.Add(Statement);
        hash.Add(Uri);
        hash.Add(Version);
        hash.Add(ChainId);
        hash.Add(Nonce);
        hash.Add(IssuedAt);
        hash.Add(ExpirationTime);
        hash.Add(NotBefore);
        hash.Add(RequestId);
        foreach (var resource in Resources) hash.Add(resource);
        hash.Add(Scheme);
        return hash.ToHashCode();
    }

    private string Render()
    {
        // Always LF: the signature covers these exact bytes, whatever the server's platform.
        var text = new StringBuilder();
        if (Scheme is not null) text.Append(Scheme).Append("://");
        text.Append(Domain).Append(HeaderSuffix).Append('\n');
        text.Append(Address).Append('\n');
        text.Append('\n');
        if (Statement is not null) text.Append(Statement).Append('\n');
        text.Append('\n');
        text.Append("URI: ").Append(Uri).Append('\n');
        text.Append("Version: ").Append(Version).Append('\n');
        text.Append("Chain ID: ").Append(ChainId.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("Nonce: ").Append(Nonce).Append('\n');
        text.Append("Issued At: ").Append(Rfc3339.Format(IssuedAt));
        if (ExpirationTime is { } expiration) text.Append("\nExpiration Time: ").Append(Rfc3339.Format(expiration));
        if (NotBefore is { } notBefore) text.Append("\nNot Before: ").Append(Rfc3339.Format(notBefore));
        if (RequestId is not null) text.Append("\nRequest ID: ").Append(RequestId);
        if (Resources.Count > 0)
        {
            text.Append("\nResources:");
            foreach (var resource in Resources) text.Append("\n- ").Append(resource);
        }

        return text.ToString();
    }

    /// <summary>Walks the lines of the ABNF in order; the first thing that does not fit becomes <see cref="Error"/>.</summary>
    private sealed class Parser(string text)
    {
        private static readonly string[] Labels =
            ["URI: ", "Version: ", "Chain ID: ", "Nonce: ", "Issued At: ", "Expiration Time: ", "Not Before: ", "Request ID: ", "Resources:"];

        private readonly string[] lines = text.Split('\n');
        private int at;

        public string? Error { get; private set; }

        public SiweMessage? Parse()
        {
            if (text.Contains('\r', StringComparison.Ordinal))
                return Fail("the message must use LF line endings (found a carriage return)");

            if (!Header(out var scheme, out var domain)
                || !AddressLine(out var address)
                || !Blank("after the address")
                || !StatementLines(out var statement)
                || !Field("URI: ", Rfc3986.IsUri, "an RFC 3986 URI", out var uri)
                || !Field("Version: ", value => value == "1", "1", out var version)
                || !ChainIdLine(out var chainId)
                || !Field("Nonce: ", IsNonce, "at least 8 ASCII letters or digits", out var nonce)
                || !Timestamp("Issued At: ", out var issuedAt))
            {
                return null;
            }

            DateTimeOffset? expirationTime = null, notBefore = null;
            string? requestId = null;
            if (At("Expiration Time: ") && !Timestamp("Expiration Time: ", out expirationTime)) return null;
            if (At("Not Before: ") && !Timestamp("Not Before: ", out notBefore)) return null;
            if (At("Request ID: ") && !Field("Request ID: ", Rfc3986.IsRequestId, "RFC 3986 path characters", out requestId)) return null;
            var resources = new List<string>();
            if (At("Resources:") && !ResourceLines(resources)) return null;

            if (at < lines.Length) return Leftover();

            return new SiweMessage
            {
                Scheme = scheme,
                Domain = domain,
                Address = address,
                Statement = statement,
                Uri = uri,
                Version = version,
                ChainId = chainId,
                Nonce = nonce,
                IssuedAt = issuedAt.Value,
                ExpirationTime = expirationTime,
                NotBefore = notBefore,
                RequestId = requestId,
                Resources = resources,
            };
        }

        private bool Header(out string? scheme, [NotNullWhen(true)] out string? domain)
        {
            scheme = domain = null;
            var line = lines[0];
            if (!line.EndsWith(HeaderSuffix, StringComparison.Ordinal))
                return FailAt($"expected \"<domain>{HeaderSuffix}\" but found {Quote(line)}");

            var origin = line[..^HeaderSuffix.Length];
            var schemeEnd = origin.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd >= 0)
            {
                scheme = origin[..schemeEnd];
                if (!Rfc3986.IsScheme(scheme)) return FailAt($"{Quote(scheme)} is not an RFC 3986 scheme");
                origin = origin[(schemeEnd + 3)..];
            }

            // The ABNF allows an empty authority; a sign-in that names no site cannot be bound to one, so it is refused.
            if (!Rfc3986.IsAuthority(origin)) return FailAt($"the domain {Quote(origin)} is not an RFC 3986 authority (host and optional port)");
            domain = origin;
            at++;
            return true;
        }

        private bool AddressLine([NotNullWhen(true)] out string? address)
        {
            address = null;
            if (at >= lines.Length) return FailAt("missing the address");
            if (!AddressPattern().IsMatch(lines[at])) return FailAt($"expected an address (0x and 40 hex digits) but found {Quote(lines[at])}");
            address = lines[at++];
            return true;
        }

        private bool StatementLines(out string? statement)
        {
            statement = null;
            if (at >= lines.Length) return FailAt("missing the statement or the blank line before \"URI: \"");

            // With a statement: "statement", "". Without: just "". Two blank lines mean a present but empty statement.
            if (lines[at].Length > 0 || (at + 1 < lines.Length && lines[at + 1].Length == 0))
            {
                if (!lines[at].All(Rfc3986.IsStatementChar))
                    return FailAt("the statement may only hold printable ASCII letters, digits, spaces and RFC 3986 reserved characters");
                statement = lines[at++];
            }

            return Blank(statement is null ? "before \"URI: \"" : "after the statement");
        }

        private bool ChainIdLine(out long chainId)
        {
            chainId = 0;
            if (!Field("Chain ID: ", value => value.Length > 0 && value.All(char.IsAsciiDigit), "a decimal number", out var digits)) return false;
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out chainId)) return true;
            at--;
            return FailAt($"the chain ID {Quote(digits)} is too large");
        }

        private bool Timestamp(string label, [NotNullWhen(true)] out DateTimeOffset? value)
        {
            value = null;
            if (!Field(label, _ => true, "", out var raw)) return false;
            if (Rfc3339.TryParse(raw, out var parsed, out var problem))
            {
                value = parsed;
                return true;
            }

            at--;
            return FailAt($"\"{Name(label)}\" {Quote(raw)} is not an RFC 3339 date-time ({problem})");
        }

        private bool ResourceLines(List<string> resources)
        {
            if (lines[at] != "Resources:") return FailAt($"expected \"Resources:\" alone on its line but found {Quote(lines[at])}");
            at++;
            while (at < lines.Length && lines[at].StartsWith("- ", StringComparison.Ordinal))
            {
                var resource = lines[at][2..];
                if (!Rfc3986.IsUri(resource)) return FailAt($"the resource {Quote(resource)} is not an RFC 3986 URI");
                resources.Add(resource);
                at++;
            }

            return true;
        }

        private bool Field(string label, Func<string, bool> isValid, string expectation, [NotNullWhen(true)] out string? value)
        {
            value = null;
            if (at >= lines.Length) return FailAt($"missing \"{label}\"");
            if (!At(label))
            {
                var found = Labels.FirstOrDefault(other => lines[at].StartsWith(other, StringComparison.Ordinal));
                return FailAt(found is null
                    ? $"expected \"{label}\" but found {Quote(lines[at])}"
                    : $"expected \"{label}\" but found the \"{Name(found)}\" line (fields must come in the order EIP-4361 gives)");
            }

            var candidate = lines[at][label.Length..];
            if (!isValid(candidate)) return FailAt($"\"{Name(label)}\" must be {expectation}, got {Quote(candidate)}");
            value = candidate;
            at++;
            return true;
        }

        private bool Blank(string where)
        {
            if (at >= lines.Length) return FailAt($"missing the blank line {where}");
            if (lines[at].Length != 0) return FailAt($"expected a blank line {where} but found {Quote(lines[at])}");
            at++;
            return true;
        }

        private static string Name(string label) => label.TrimEnd().TrimEnd(':');

        private bool At(string label) => at < lines.Length && lines[at].StartsWith(label, StringComparison.Ordinal);

        private SiweMessage? Leftover()
        {
            var label = Labels.FirstOrDefault(other => lines[at].StartsWith(other, StringComparison.Ordinal));
            return Fail(label is null
                ? $"line {at + 1}: unexpected {(lines[at].Length == 0 ? "empty line" : Quote(lines[at]))} after the last field"
                : $"line {at + 1}: \"{Name(label)}\" is repeated or out of the order EIP-4361 gives");
        }

        private bool FailAt(string problem)
        {
            Error = $"line {at + 1}: {problem}";
            return false;
        }

        private SiweMessage? Fail(string problem)
        {
            Error = problem;
            return null;
        }

        // Errors end up in problem details and logs: keep echoed input short.
        private static string Quote(string value) => value.Length <= 60 ? $"\"{value}\"" : $"\"{value[..57]}...\"";

        private static bool IsNonce(string value) => value.Length >= 8 && value.All(char.IsAsciiLetterOrDigit);
    }

    /// <summary>The character classes of RFC 3986 that the EIP-4361 ABNF builds on.</summary>
    private static class Rfc3986
    {
        public static bool IsScheme(string value) => SchemePattern().IsMatch(value);

        /// <summary><c>[ userinfo "@" ] host [ ":" port ]</c> with a non-empty host.</summary>
        public static bool IsAuthority(string value)
        {
            var hostAndPort = value;
            var userEnd = value.IndexOf('@', StringComparison.Ordinal);
            if (userEnd >= 0)
            {
                if (!IsEncoded(value[..userEnd], c => IsUnreserved(c) || IsSubDelim(c) || c == ':')) return false;
                hostAndPort = value[(userEnd + 1)..];
            }

            string host, port;
            if (hostAndPort.StartsWith('['))
            {
                var close = hostAndPort.IndexOf(']', StringComparison.Ordinal);
                if (close < 2 || !hostAndPort[1..close].All(c => IsUnreserved(c) || IsSubDelim(c) || c == ':')) return false;
                host = hostAndPort[..(close + 1)];
                port = hostAndPort[(close + 1)..];
                if (port.Length > 0 && port[0] != ':') return false;
                port = port.Length > 0 ? port[1..] : port;
            }
            else
            {
                var colon = hostAndPort.IndexOf(':', StringComparison.Ordinal);
                host = colon < 0 ? hostAndPort : hostAndPort[..colon];
                port = colon < 0 ? "" : hostAndPort[(colon + 1)..];
                if (host.Length == 0 || !IsEncoded(host, c => IsUnreserved(c) || IsSubDelim(c))) return false;
            }

            return port.All(char.IsAsciiDigit);
        }

        /// <summary>
        /// An absolute URI: a scheme, a colon, then only characters RFC 3986 allows, with well-formed percent escapes
        /// and at most one fragment. The finer structure of the hierarchical part is left to whoever interprets it.
        /// </summary>
        public static bool IsUri(string value)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            return colon > 0
                && IsScheme(value[..colon])
                && IsEncoded(value[(colon + 1)..], c => IsUnreserved(c) || IsSubDelim(c) || IsGenDelim(c))
                && value.Count(c => c == '#') <= 1;
        }

        /// <summary><c>*pchar</c>.</summary>
        public static bool IsRequestId(string value) => IsEncoded(value, c => IsUnreserved(c) || IsSubDelim(c) || c is ':' or '@');

        /// <summary><c>reserved / unreserved / " "</c>: no percent escapes, no line breaks.</summary>
        public static bool IsStatementChar(char c) => IsUnreserved(c) || IsSubDelim(c) || IsGenDelim(c) || c == ' ';

        private static bool IsEncoded(string value, Func<char, bool> isAllowed)
        {
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] == '%')
                {
                    if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2])) return false;
                    i += 2;
                }
                else if (!isAllowed(value[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

        private static bool IsSubDelim(char c) => c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';

        private static bool IsGenDelim(char c) => c is ':' or '/' or '?' or '#' or '[' or ']' or '@';
    }

    /// <summary>RFC 3339 <c>date-time</c>, read and written without the leniency of the .NET parsers.</summary>
    private static class Rfc3339
    {
        public static bool TryParse(string value, out DateTimeOffset result, [NotNullWhen(false)] out string? problem)
        {
            result = default;
            var match = DateTimePattern().Match(value);
            if (!match.Success)
            {
                problem = "expected YYYY-MM-DDTHH:MM:SS[.fraction] then Z or ±HH:MM";
                return false;
            }

            int Part(string name) => int.Parse(match.Groups[name].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            int year = Part("year"), month = Part("month"), day = Part("day");
            int hour = Part("hour"), minute = Part("minute"), second = Part("second");
            var offset = match.Groups["sign"].Success
                ? new TimeSpan(Part("offsetHour"), Part("offsetMinute"), 0) * (match.Groups["sign"].Value == "-" ? -1 : 1)
                : TimeSpan.Zero;

            problem = year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ? "no such date"
                : hour > 23 || minute > 59 || second > 59 ? "no such time (leap seconds are not accepted)"
                : match.Groups["offsetMinute"].Success && Part("offsetMinute") > 59 ? "no such offset"
                : offset.Duration() > TimeSpan.FromHours(14) ? "offsets beyond ±14:00 are not accepted"
                : null;
            if (problem is not null) return false;

            // Seven digits are a tick; finer fractions are cut rather than refused.
            var fraction = match.Groups["fraction"].Value;
            var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], NumberStyles.None, CultureInfo.InvariantCulture);
            var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
            var utcTicks = local.Ticks - offset.Ticks;
            if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
            {
                problem = "out of range";
                return false;
            }

            result = new DateTimeOffset(local, offset);
            return true;
        }

        /// <summary>Z for UTC, the fraction only as long as it needs to be: the shortest text that reads back to the same value.</summary>
        public static string Format(DateTimeOffset value) =>
            value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)
            + (value.Offset == TimeSpan.Zero ? "Z" : value.ToString("zzz", CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"\A0x[0-9a-fA-F]{40}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AddressPattern();

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9+.\-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePattern();

    [GeneratedRegex(
        @"\A(?<year>[0-9]{4})-(?<month>[0-9]{2})-(?<day>[0-9]{2})[Tt](?<hour>[0-9]{2}):(?<minute>[0-9]{2}):(?<second>[0-9]{2})(?:\.(?<fraction>[0-9]+))?(?:[Zz]|(?<sign>[+\-])(?<offsetHour>[0-9]{2}):(?<offsetMinute>[0-9]{2}))\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();
}
