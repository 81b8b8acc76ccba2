using System.Text.Json;
using System.Text.Json.Serialization;
using CMLoRA.Web.Generation;

namespace CMLoRA.Web.Collections;

/// <summary>
/// A collection's method options as stored (<c>LoraCollection.OptionsJson</c>): the same typed
/// <see cref="CompositionSettings"/> a generation request carries, as JSON. Values left out are the engine's defaults.
/// </summary>
public static class CollectionOptions
{
    /// <summary>How options are stored: camelCase like the API, unset values left out.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>What a legacy free-form options text that is not such an object is refused with.</summary>
    public const string NotAnObject = "the options must be a JSON object of method options, as a generation request's options";

    /// <summary>The stored text of <paramref name="settings"/> ("{}" for none: every value the engine's default).</summary>
    public static string Write(CompositionSettings? settings) => settings is null ? "{}" : JsonSerializer.Serialize(settings, Json);

    /// <summary>
    /// The options of a stored text; null when it holds none or is not the typed shape (collections saved when options
    /// were free-form JSON), which means the engine's defaults.
    /// </summary>
    public static CompositionSettings? Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var settings = JsonSerializer.Deserialize<CompositionSettings>(json, Json);
            return settings is null || settings.Given.Count == 0 ? null : settings;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses the legacy <c>optionsJson</c> text of an input strictly: the options, or the reason it is refused.
    /// </summary>
    public static (CompositionSettings? Settings, string? Error) Parse(string? json)
    {
        string text = string.IsNullOrWhiteSpace(json) ? "{}" : json.Trim();
        if (text.Length > 16_384) return (null, NotAnObject);
        try
        {
            using (var document = JsonDocument.Parse(text))
                if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, NotAnObject);
            var settings = JsonSerializer.Deserialize<CompositionSettings>(text, Json);
            return (settings is null || settings.Given.Count == 0 ? null : settings, null);
        }
        catch (JsonException)
        {
            return (null, NotAnObject);
        }
    }
}
