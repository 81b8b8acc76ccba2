using System.Globalization;
using System.Text.Json;

namespace CMLoRA.Web.Library;

/// <summary>
/// A1111-style files next to name.safetensors in an imported folder: name.json (user metadata), name.civitai.info
/// (Civitai model-version JSON) and a preview image (name.png/.jpg/.jpeg/.webp or name.preview.*).
/// </summary>
public sealed record SidecarFiles(
    string? Description, IReadOnlyList<string> TriggerWords, double? PreferredWeight, string? Notes, string? BaseModelHint, string? PreviewPath)
{
    public static readonly SidecarFiles None = new(null, [], null, null, null, null);

    public static SidecarFiles Read(string loraPath, ILogger logger)
    {
        string folder = Path.GetDirectoryName(loraPath)!;
        string stem = Path.GetFileNameWithoutExtension(loraPath);
        string? description = null, notes = null, baseModel = null;
        double? weight = null;
        var words = new List<string>();

        var user = ReadJson(Path.Combine(folder, stem + ".json"), logger);
        if (user is { } u)
        {
            description = Text(u, "description");
            notes = Text(u, "notes");
            words.AddRange(WordLists.Split(Text(u, "activation text")));
            if (u.TryGetProperty("preferred weight", out var w))
                weight = w.ValueKind == JsonValueKind.Number ? w.GetDouble()
                    : double.TryParse(w.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : null;
            if (weight == 0) weight = null; // A1111 writes 0 for "not set"
            baseModel = Text(u, "sd version");
        }

        var civitai = ReadJson(Path.Combine(folder, stem + ".civitai.info"), logger);
        if (civitai is { } c)
        {
            if (c.TryGetProperty("trainedWords", out var trained) && trained.ValueKind == JsonValueKind.Array)
                foreach (var word in trained.EnumerateArray())
                    if (word.ValueKind == JsonValueKind.String) words.AddRange(WordLists.Split(word.GetString()));
            baseModel ??= Text(c, "baseModel");
            description ??= Text(c, "description");
        }

        string? preview = PreviewImages.Extensions
            .SelectMany(ext => new[] { stem + ext, stem + ".preview" + ext })
            .Select(name => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
        return new SidecarFiles(description, words.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), weight, notes, baseModel, preview);
    }

    private static JsonElement? ReadJson(string path, ILogger logger)
    {
        if (!File.Exists(path)) return null;
        try
        {
            if (new FileInfo(path).Length > 4 * 1024 * 1024) return null;
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            logger.LogWarning("Ignoring unreadable sidecar {Path}: {Reason}", path, e.Message);
            return null;
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;
}
