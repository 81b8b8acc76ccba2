using System.Text.Json;

namespace CMLoRA.Engine.Models;

/// <summary>Reads diffusers config.json files: snake_case keys, unknown keys ignored, errors naming the field.</summary>
internal static class ConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    public static T Parse<T>(string json, string what) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new ModelConfigException($"{what} config: the file holds null instead of an object");
        }
        catch (JsonException e)
        {
            string field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "(document)";
            throw new ModelConfigException($"{what} config: field {field} could not be read: {WithoutPath(e.Message)}", e);
        }
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Cuts System.Text.Json's " Path: … | LineNumber: …" suffix from an error message.</summary>
    public static string WithoutPath(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
