using System.Text.RegularExpressions;
using Serilog.Events;
using Serilog.Formatting;

namespace Xylo.Api.Operations.Logging;

/// <summary>
/// Last line of defence: whatever a library puts in a message, property or exception, the configured
/// secret values, bearer tokens and JWTs never reach a sink.
/// </summary>
public sealed partial class RedactingFormatter(ITextFormatter inner, IEnumerable<string> secrets) : ITextFormatter
{
    private const string Mask = "***";

    // Shorter values (a local "xylo" password) are words that occur everywhere; masking them would destroy the logs.
    public const int MinimumSecretLength = 8;
    private readonly string[] _secrets = secrets.Where(s => s.Length >= MinimumSecretLength).Distinct().OrderByDescending(s => s.Length).ToArray();

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new StringWriter();
        inner.Format(logEvent, buffer);
        output.Write(Redact(buffer.ToString()));
    }

    public string Redact(string line)
    {
        foreach (var secret in _secrets)
        {
            line = line.Replace(secret, Mask, StringComparison.Ordinal);
        }

        line = BearerToken().Replace(line, "Bearer " + Mask);
        return Jwt().Replace(line, Mask);
    }

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();
}
