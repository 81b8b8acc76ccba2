using System.Text.Json;
using System.Text.Json.Serialization;
using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Recipes;

/// <summary>Composition methods as the CLI and infotext spell them: none, merge, switch, composite, cmlora.</summary>
internal sealed class CompositionMethodJsonConverter : JsonConverter<CompositionMethod>
{
    public static string Name(CompositionMethod method) => method switch
    {
        CompositionMethod.None => "none",
        CompositionMethod.Merge => "merge",
        CompositionMethod.Switch => "switch",
        CompositionMethod.Composite => "composite",
        CompositionMethod.CmLora => "cmlora",
        _ => throw new JsonException($"Unknown composition method {method}."),
    };

    public static CompositionMethod Parse(string name) => TryParse(name)
        ?? throw new JsonException($"Unknown composition method '{name}': use none, merge, switch, composite or cmlora.");

    public static CompositionMethod? TryParse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "none" => CompositionMethod.None,
        "merge" => CompositionMethod.Merge,
        "switch" => CompositionMethod.Switch,
        "composite" => CompositionMethod.Composite,
        "cmlora" or "cm-lora" or "cm_lora" => CompositionMethod.CmLora,
        _ => null,
    };

    public override CompositionMethod Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Parse(reader.GetString()!) : throw new JsonException("A composition method must be a string.");

    public override void Write(Utf8JsonWriter writer, CompositionMethod value, JsonSerializerOptions options) => writer.WriteStringValue(Name(value));
}
