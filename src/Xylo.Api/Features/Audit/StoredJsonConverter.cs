using System.Text.Json;
using System.Text.Json.Serialization;

namespace Xylo.Api.Features.Audit;

/// <summary>Writes JSON text read from the database as it is, without parsing and re-serializing it per row.</summary>
public sealed class StoredJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    // PostgreSQL produced the text from a jsonb value: it is valid JSON.
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value, skipInputValidation: true);
}
