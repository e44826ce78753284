using System.Text.Json;
using System.Text.Json.Serialization;

namespace Xylo.Api.Operations.Errors;

/// <summary>
/// Every string of every request body: a NUL (PostgreSQL's text and jsonb cannot hold it: a 500 after earlier batches had
/// committed), another control character (tab, line feed and carriage return excepted: a Sign-In with Ethereum message has
/// lines) or a bidirectional override (text that reads differently in a log or an admin screen) makes the body invalid JSON
/// for XYLO, a 400 problem before any endpoint runs.
/// </summary>
public sealed class StorableTextConverter : JsonConverter<string>
{
    /// <summary>What the 400 problem's detail says (the JSON path is not known to a converter).</summary>
    public const string Refusal = "a text value contains a control character or a bidirectional override";

    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("a text value is expected");
        var value = reader.GetString();
        return value is not null && Unstorable(value)
            ? throw new JsonException(Refusal)
            : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public static bool Unstorable(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is (< ' ' and not ('\t' or '\n' or '\r')) or '\u007f' or (>= '\u0080' and <= '\u009f')
                or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069'))
            {
                return true;
            }
        }

        return false;
    }
}
