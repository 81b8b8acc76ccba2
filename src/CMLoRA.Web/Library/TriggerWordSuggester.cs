using System.Text.Json;

namespace CMLoRA.Web.Library;

/// <summary>
/// Trigger-word hints from a kohya file: the most frequent training tags (ss_tag_frequency, counts merged across
/// dataset folders, as A1111 shows them) and any words the author declared (modelspec.trigger_phrase, ssmd_keywords).
/// </summary>
public static class TriggerWordSuggester
{
    public const int MaxSuggestions = 10;

    public static IReadOnlyList<string> FromTagFrequency(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("ss_tag_frequency", out string? json)) return [];
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return [];
            foreach (var folder in document.RootElement.EnumerateObject())
            {
                if (folder.Value.ValueKind != JsonValueKind.Object) continue;
                foreach (var tag in folder.Value.EnumerateObject())
                {
                    string name = tag.Name.Trim();
                    if (name.Length == 0 || name.Length > 100 || !tag.Value.TryGetInt64(out long count)) continue;
                    counts[name] = counts.GetValueOrDefault(name) + count;
                }
            }
        }
        catch (JsonException)
        {
            return []; // malformed training metadata is only a missing hint, not a reason to refuse the file
        }
        return counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(MaxSuggestions).Select(c => c.Key).ToList();
    }

    public static IReadOnlyList<string> Declared(IReadOnlyDictionary<string, string> metadata)
    {
        var words = new List<string>();
        foreach (string key in new[] { "modelspec.trigger_phrase", "ssmd_keywords" })
            if (metadata.TryGetValue(key, out string? value))
                words.AddRange(Split(value));
        return words.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public static IEnumerable<string> Split(string? text) =>
        (text ?? "").Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(w => w.Length > 0);
}
