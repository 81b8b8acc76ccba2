using System.Text.RegularExpressions;
using CMLoRA.Engine.Tensors;

namespace CMLoRA.Engine.Lora;

/// <summary>
/// Detects the base-model family of a LoRA from its tensors (InvokeAI's rule: the input width of any UNet attn2 to_k/to_v
/// down-projection is the cross-attention width, 768 = SD1, 1024 = SD2, 2048 = SDXL; SDXL text-encoder prefixes; CLIP
/// layers past 11) and from its metadata (<c>ss_base_model_version</c>, <c>modelspec.architecture</c>, <c>ss_v2</c>).
/// </summary>
public static partial class BaseModelDetector
{
    /// <summary>The <c>ss_base_model_version</c> of LoRAs trained on the built-in model (models/builtin).</summary>
    public const string BuiltInBaseModelVersion = "cmlora-builtin";

    /// <summary>Detects from a file's header entries and metadata (no tensor data is read).</summary>
    public static BaseModelDetection Detect(IEnumerable<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        var evidence = new List<string>();
        var modules = new Dictionary<string, Dictionary<string, SafetensorsEntry>>(StringComparer.Ordinal);
        bool sdxlPrefixes = false, sdxlBlocks = false;
        int deepestClipLayer = -1;
        foreach (var entry in entries)
        {
            if (!LoraKeyParser.TryParse(entry.Name, out var key)) continue;
            if (key.Prefix is LoraKeyPrefix.SdxlTextEncoder1 or LoraKeyPrefix.SdxlTextEncoder2) sdxlPrefixes = true;
            if (key.Prefix == LoraKeyPrefix.Unet && key.Name.Contains("input_blocks_4_1_transformer_blocks_1", StringComparison.Ordinal)) sdxlBlocks = true;
            if (key.Prefix == LoraKeyPrefix.TextEncoder && ClipLayer().Match(key.Name) is { Success: true } layer
                && int.TryParse(layer.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out int index))
                deepestClipLayer = Math.Max(deepestClipLayer, index);
            if (key.Prefix != LoraKeyPrefix.Unet || !CrossAttentionKv().IsMatch(key.Name)) continue;
            if (!modules.TryGetValue(key.ModuleKey, out var suffixes)) modules[key.ModuleKey] = suffixes = new(StringComparer.Ordinal);
            suffixes[key.Suffix] = entry;
        }

        long? width = modules.Values.Select(InputWidth).FirstOrDefault(w => w is not null);
        BaseModelFamily? fromTensors = null;
        if (sdxlPrefixes)
        {
            fromTensors = BaseModelFamily.SDXL;
            evidence.Add("it has SDXL text-encoder keys (lora_te1_/lora_te2_ or text_encoder_2.)");
        }
        if (sdxlBlocks)
        {
            fromTensors = BaseModelFamily.SDXL;
            evidence.Add("its UNet has SDXL blocks (input_blocks_4_1_transformer_blocks_1)");
        }
        if (width is { } w)
        {
            var byWidth = w switch { 768 => BaseModelFamily.SD1, 1024 => BaseModelFamily.SD2, 2048 => BaseModelFamily.SDXL, _ => (BaseModelFamily?)null };
            evidence.Add($"attn2 to_k/to_v input width is {w} (SD 1.x: 768, SD 2.x: 1024, SDXL: 2048)");
            fromTensors ??= byWidth;
        }
        if (deepestClipLayer >= 12 && fromTensors is null or BaseModelFamily.SD1)
        {
            fromTensors = BaseModelFamily.SD2;
            evidence.Add($"its text encoder has layer {deepestClipLayer} (SD 1.x CLIP has layers 0–11)");
        }

        var fromMetadata = FromMetadata(metadata, evidence);
        var family = fromTensors ?? fromMetadata ?? BaseModelFamily.Unknown;
        return new BaseModelDetection(family, width, fromTensors, fromMetadata, evidence);
    }

    /// <summary>The family the metadata names, adding the deciding field to <paramref name="evidence"/>.</summary>
    public static BaseModelFamily? FromMetadata(IReadOnlyDictionary<string, string> metadata, ICollection<string> evidence)
    {
        if (metadata.TryGetValue("ss_base_model_version", out string? version) && !string.IsNullOrWhiteSpace(version))
        {
            evidence.Add($"ss_base_model_version is '{version}'");
            // The studio's own built-in model is an SD 1.x-topology model (smaller widths), so its LoRAs apply like SD 1.x ones.
            if (string.Equals(version, BuiltInBaseModelVersion, StringComparison.OrdinalIgnoreCase)) return BaseModelFamily.SD1;
            return version.StartsWith("sdxl", StringComparison.OrdinalIgnoreCase) ? BaseModelFamily.SDXL
                : version.StartsWith("sd_v2", StringComparison.OrdinalIgnoreCase) ? BaseModelFamily.SD2
                : version.StartsWith("sd_v1", StringComparison.OrdinalIgnoreCase) ? BaseModelFamily.SD1
                : BaseModelFamily.Other;
        }
        if (metadata.TryGetValue("modelspec.architecture", out string? architecture) && !string.IsNullOrWhiteSpace(architecture))
        {
            evidence.Add($"modelspec.architecture is '{architecture}'");
            return architecture.StartsWith("stable-diffusion-xl", StringComparison.OrdinalIgnoreCase) ? BaseModelFamily.SDXL
                : architecture.StartsWith("stable-diffusion-v2", StringComparison.OrdinalIgnoreCase) ? BaseModelFamily.SD2
                : architecture.StartsWith("stable-diffusion-v1", StringComparison.OrdinalIgnoreCase) ? BaseModelFamily.SD1
                : BaseModelFamily.Other;
        }
        if (metadata.TryGetValue("ss_v2", out string? v2) && string.Equals(v2, "True", StringComparison.OrdinalIgnoreCase))
        {
            evidence.Add("ss_v2 is 'True'");
            return BaseModelFamily.SD2;
        }
        return null;
    }

    // The width that goes into the projection: down/A [r, in(,1,1)], LoHa w1_b [r, in], LoKr in-dims of both factors.
    private static long? InputWidth(Dictionary<string, SafetensorsEntry> suffixes)
    {
        foreach (string name in new[] { "lora_down.weight", "lora_A.weight", "hada_w1_b" })
            if (suffixes.TryGetValue(name, out var entry) && entry.Shape.Length >= 2) return entry.Shape[1];
        long? first = suffixes.TryGetValue("lokr_w1", out var w1) && w1.Shape.Length == 2 ? w1.Shape[1]
            : suffixes.TryGetValue("lokr_w1_b", out var w1b) && w1b.Shape.Length == 2 ? w1b.Shape[1] : null;
        long? second = suffixes.TryGetValue("lokr_w2", out var w2) && w2.Shape.Length >= 2 ? w2.Shape[1]
            : suffixes.TryGetValue("lokr_w2_b", out var w2b) && w2b.Shape.Length == 2 ? w2b.Shape[1] : null;
        return first is { } f && second is { } s ? f * s : null;
    }

    [GeneratedRegex(@"attn2_to_[kv]$")]
    private static partial Regex CrossAttentionKv();

    [GeneratedRegex(@"encoder_layers_(\d+)_")]
    private static partial Regex ClipLayer();
}
