using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CMLoRA.Engine.Tensors;

namespace CMLoRA.Engine.Lora;

/// <summary>Parses LoRA safetensors metadata (anchors-studios.md §4.6) into <see cref="LoraMetadata"/>.</summary>
public static partial class LoraMetadataReader
{
    /// <summary>How many of the most frequent caption tags join the suggested trigger words.</summary>
    public const int SuggestedTagCount = 5;

    /// <summary>Reads only the header of <paramref name="path"/>.</summary>
    public static LoraMetadata ReadFile(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return Read(file.Metadata);
    }

    /// <summary>Parses a <c>__metadata__</c> dictionary.</summary>
    public static LoraMetadata Read(IReadOnlyDictionary<string, string> raw)
    {
        var warnings = new List<string>();
        string? Get(string key) => raw.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        int? GetInt(string key)
        {
            if (Get(key) is not { } text) return null;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)) return value;
            warnings.Add($"{key} is not an integer: '{text}'");
            return null;
        }

        var modelSpec = raw.Where(p => p.Key.StartsWith("modelspec.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key["modelspec.".Length..], p => p.Value, StringComparer.Ordinal);
        var declared = SplitKeywords(Get("modelspec.trigger_phrase")).Concat(SplitKeywords(Get("ssmd_keywords")))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var tags = ReadTagFrequency(Get("ss_tag_frequency"), warnings);
        string? outputName = Get("ss_output_name");
        var suggested = declared
            .Concat(outputName is null ? [] : [outputName])
            .Concat(tags.Take(SuggestedTagCount).Select(t => t.Tag))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        return new LoraMetadata
        {
            Raw = raw,
            OutputName = outputName,
            BaseModelVersion = Get("ss_base_model_version"),
            SdModelName = Get("ss_sd_model_name"),
            NetworkModule = Get("ss_network_module"),
            NetworkDim = Get("ss_network_dim"),
            NetworkAlpha = Get("ss_network_alpha"),
            NetworkArgs = Get("ss_network_args"),
            TrainingComment = Get("ss_training_comment"),
            Resolution = Get("ss_resolution"),
            ClipSkip = Get("ss_clip_skip"),
            TrainImages = GetInt("ss_num_train_images"),
            DatasetSize = ReadDatasetSize(Get("ss_dataset_dirs"), warnings),
            Epochs = GetInt("ss_epoch"),
            Steps = GetInt("ss_steps"),
            TrainingFinishedAt = ReadUnixTime(Get("ss_training_finished_at"), warnings),
            SshsModelHash = Get("sshs_model_hash")?.ToLowerInvariant(),
            SshsLegacyHash = Get("sshs_legacy_hash")?.ToLowerInvariant(),
            ModelSpec = modelSpec,
            Title = Get("modelspec.title") ?? Get("ssmd_display_name"),
            Author = Get("modelspec.author") ?? Get("ssmd_author"),
            Description = Get("modelspec.description") ?? Get("ssmd_description"),
            DeclaredTriggerWords = declared,
            TagFrequency = tags,
            SuggestedTriggerWords = suggested,
            Warnings = warnings,
        };
    }

    private static IEnumerable<string> SplitKeywords(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Merges <c>ss_tag_frequency</c> ({folder: {tag: count}}) over folders. When the "tags" are really whole sentences
    /// (average length 16 or more: captions without commas), counts words of three or more characters instead, as A1111 does.
    /// </summary>
    private static List<TagCount> ReadTagFrequency(string? json, List<string> warnings)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (json is null) return [];
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("not a JSON object");
            foreach (var folder in document.RootElement.EnumerateObject())
            {
                if (folder.Value.ValueKind != JsonValueKind.Object) continue;
                foreach (var tag in folder.Value.EnumerateObject())
                {
                    string name = tag.Name.Trim();
                    if (name.Length == 0 || tag.Value.ValueKind != JsonValueKind.Number || !tag.Value.TryGetInt32(out int count)) continue;
                    counts[name] = counts.GetValueOrDefault(name) + count;
                }
            }
        }
        catch (JsonException e)
        {
            warnings.Add($"ss_tag_frequency is not valid JSON ({e.Message})");
            return [];
        }
        if (counts.Count > 0 && counts.Keys.Average(k => k.Length) >= 16)
        {
            var words = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (caption, count) in counts)
                foreach (Match word in Word().Matches(caption))
                    if (word.Value.Length >= 3) words[word.Value] = words.GetValueOrDefault(word.Value) + count;
            counts = words;
        }
        return counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new TagCount(p.Key, p.Value)).ToList();
    }

    private static int? ReadDatasetSize(string? json, List<string> warnings)
    {
        if (json is null) return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            int total = 0;
            bool any = false;
            foreach (var folder in document.RootElement.EnumerateObject())
                if (folder.Value.ValueKind == JsonValueKind.Object && folder.Value.TryGetProperty("img_count", out var count)
                    && count.ValueKind == JsonValueKind.Number && count.TryGetInt32(out int images))
                {
                    total += images;
                    any = true;
                }
            return any ? total : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            warnings.Add($"ss_dataset_dirs is not a JSON object of folders ({e.Message})");
            return null;
        }
    }

    private static DateTimeOffset? ReadUnixTime(string? text, List<string> warnings)
    {
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0 and < 253402300800)
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        warnings.Add($"ss_training_finished_at is not a Unix time: '{text}'");
        return null;
    }

    [GeneratedRegex(@"[-_\w']+")]
    private static partial Regex Word();
}
