using CMLoRA.Engine.Tensors;

namespace CMLoRA.Web.Library;

/// <summary>
/// Which base model a LoRA was trained for. Tensor shapes decide first (the cross-attention key projection takes the
/// text encoder's width: 768 for SD 1.x, 1024 for SD 2.x, 2048 for SDXL); training metadata is only a fallback,
/// because files are often re-saved with stale metadata.
/// </summary>
public static class BaseModelFamily
{
    public const string Sd1 = "SD 1.x";
    public const string Sd2 = "SD 2.x";
    public const string Sdxl = "SDXL";
    public const string Flux = "FLUX";
    public const string Unknown = "Unknown";

    public static readonly string[] All = [Sd1, Sd2, Sdxl, Flux, Unknown];

    public static string Detect(IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata) =>
        FromTensors(entries) ?? FromMetadata(metadata) ?? Unknown;

    public static string? FromTensors(IReadOnlyList<SafetensorsEntry> entries)
    {
        if (entries.Any(e => e.Name.Contains("double_blocks", StringComparison.Ordinal) || e.Name.Contains("single_transformer_blocks", StringComparison.Ordinal)))
            return Flux;
        if (entries.Any(e => e.Name.StartsWith("lora_te2_", StringComparison.Ordinal) || e.Name.Contains("text_encoder_2", StringComparison.Ordinal)))
            return Sdxl;
        foreach (var entry in entries)
        {
            string name = entry.Name;
            bool crossKey = name.Contains("attn2_to_k", StringComparison.Ordinal) || name.Contains("attn2.to_k", StringComparison.Ordinal)
                            || name.Contains("attn2_to_v", StringComparison.Ordinal) || name.Contains("attn2.to_v", StringComparison.Ordinal);
            bool down = name.Contains("lora_down", StringComparison.Ordinal) || name.Contains("lora_A", StringComparison.Ordinal) || name.Contains("lora.down", StringComparison.Ordinal);
            if (!crossKey || !down || entry.Shape.Length < 2) continue;
            return entry.Shape[1] switch
            {
                768 => Sd1,
                1024 => Sd2,
                2048 => Sdxl,
                _ => null,
            };
        }
        return null;
    }

    public static string? FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        string version = metadata.GetValueOrDefault("ss_base_model_version", "").ToLowerInvariant();
        if (version.StartsWith("sdxl")) return Sdxl;
        if (version.StartsWith("sd_v2")) return Sd2;
        if (version.StartsWith("sd_v1")) return Sd1;
        if (version.StartsWith("flux")) return Flux;
        string architecture = metadata.GetValueOrDefault("modelspec.architecture", "").ToLowerInvariant();
        if (architecture.StartsWith("stable-diffusion-xl")) return Sdxl;
        if (architecture.StartsWith("stable-diffusion-v2")) return Sd2;
        if (architecture.StartsWith("stable-diffusion-v1")) return Sd1;
        if (architecture.StartsWith("flux")) return Flux;
        if (metadata.GetValueOrDefault("ss_v2") == "True") return Sd2;
        return null;
    }

    /// <summary>Maps a human label from a sidecar ("SD 1.5", "SDXL 1.0", "Pony", "SD2", …) to a family, or null.</summary>
    public static string? FromHint(string? hint)
    {
        string h = (hint ?? "").Trim().ToLowerInvariant().Replace(" ", "");
        if (h.Length == 0) return null;
        if (h.StartsWith("sdxl") || h.StartsWith("pony") || h.StartsWith("illustrious")) return Sdxl;
        if (h.StartsWith("sd1")) return Sd1;
        if (h.StartsWith("sd2")) return Sd2;
        if (h.StartsWith("flux")) return Flux;
        return null;
    }
}
