using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CMLoRA.Engine.Loading;

/// <summary>
/// Parses the JSON that Python's <c>json.dump</c> writes. It spells non-finite floats as bare <c>NaN</c>,
/// <c>Infinity</c> and <c>-Infinity</c> (diffusers scheduler configs carry <c>"lambda_min_clipped": -Infinity</c>),
/// which strict JSON readers reject.
/// </summary>
public static class LenientJson
{
    /// <summary>
    /// The options that read the quoted literals back as numbers; pass them when deserializing a node returned by
    /// <see cref="ParseObject"/> into a record with double properties.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses a JSON object; bare non-finite literals become the strings "NaN", "Infinity", "-Infinity".</summary>
    /// <exception cref="JsonException">the text is not a JSON object.</exception>
    public static JsonObject ParseObject(string json) =>
        JsonNode.Parse(QuoteNonFiniteLiterals(json), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        }) as JsonObject ?? throw new JsonException("expected a JSON object");

    /// <summary>Reads and parses a JSON object file, naming the file in errors.</summary>
    /// <exception cref="CheckpointLoadException">the file is missing or not a JSON object.</exception>
    public static JsonObject ReadObject(string path)
    {
        if (!File.Exists(path)) throw new CheckpointLoadException($"'{path}' is missing");
        try
        {
            return ParseObject(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new CheckpointLoadException($"'{path}' is not a valid JSON object: {ex.Message}", ex);
        }
    }

    /// <summary>Quotes NaN/Infinity/-Infinity tokens that stand outside strings.</summary>
    public static string QuoteNonFiniteLiterals(string json)
    {
        var output = new StringBuilder(json.Length + 16);
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            if (inString)
            {
                output.Append(c);
                if (c == '\\' && i + 1 < json.Length) output.Append(json[++i]);
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"')
            {
                inString = true;
                output.Append(c);
                continue;
            }
            string? literal = LiteralAt(json, i);
            if (literal is null)
            {
                output.Append(c);
                continue;
            }
            output.Append('"').Append(literal).Append('"');
            i += literal.Length - 1;
        }
        return output.ToString();
    }

    private static string? LiteralAt(string json, int index)
    {
        foreach (var literal in (ReadOnlySpan<string>)["-Infinity", "Infinity", "NaN"])
        {
            if (string.CompareOrdinal(json, index, literal, 0, literal.Length) != 0) continue;
            int end = index + literal.Length;
            bool boundedAfter = end >= json.Length || !char.IsLetterOrDigit(json[end]);
            bool boundedBefore = index == 0 || !char.IsLetterOrDigit(json[index - 1]);
            if (boundedAfter && boundedBefore) return literal;
        }
        return null;
    }
}
