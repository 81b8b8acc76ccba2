using System.Text.Json;

namespace CMLoRA.Engine.Lora;

/// <summary>
/// The PEFT <c>LoraConfig</c> values diffusers stores in the <c>lora_adapter_metadata</c> safetensors metadata entry
/// (<c>loaders/lora_base.py</c>): a JSON object whose keys carry the component prefix (<c>"unet.lora_alpha"</c>,
/// <c>"text_encoder.r"</c>). A nested form (<c>{"unet": {...}}</c>) and an unprefixed one (applies to every component)
/// are read too. Only what scaling needs is kept: <c>lora_alpha</c>, <c>alpha_pattern</c> and <c>use_rslora</c>.
/// </summary>
internal sealed class PeftAdapterConfig
{
    public const string MetadataKey = "lora_adapter_metadata";

    private sealed class Part
    {
        public double? LoraAlpha;
        public bool UseRsLora;
        public Dictionary<string, double> AlphaPattern = new(StringComparer.Ordinal);
    }

    private readonly Dictionary<string, Part> _parts = new(StringComparer.Ordinal);

    /// <summary>Reads the entry, or returns null when it is absent; malformed JSON is reported as a warning.</summary>
    public static PeftAdapterConfig? FromMetadata(IReadOnlyDictionary<string, string> metadata, ICollection<string> warnings)
    {
        if (!metadata.TryGetValue(MetadataKey, out string? json)) return null;
        var config = new PeftAdapterConfig();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new JsonException("not a JSON object");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object && property.Name is "unet" or "text_encoder" or "text_encoder_2")
                {
                    foreach (var inner in property.Value.EnumerateObject()) config.Set(property.Name, inner.Name, inner.Value);
                    continue;
                }
                int dot = property.Name.IndexOf('.');
                string component = dot > 0 ? property.Name[..dot] : "";
                string field = dot > 0 ? property.Name[(dot + 1)..] : property.Name;
                config.Set(component, field, property.Value);
            }
        }
        catch (JsonException e)
        {
            warnings.Add($"{MetadataKey} is not valid JSON ({e.Message}); alphas default to the rank");
            return null;
        }
        return config;
    }

    private void Set(string component, string field, JsonElement value)
    {
        if (!_parts.TryGetValue(component, out var part)) _parts[component] = part = new Part();
        switch (field)
        {
            case "lora_alpha" when value.ValueKind == JsonValueKind.Number:
                part.LoraAlpha = value.GetDouble();
                break;
            case "use_rslora" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                part.UseRsLora = value.GetBoolean();
                break;
            case "alpha_pattern" when value.ValueKind == JsonValueKind.Object:
                foreach (var pattern in value.EnumerateObject())
                    if (pattern.Value.ValueKind == JsonValueKind.Number) part.AlphaPattern[pattern.Name] = pattern.Value.GetDouble();
                break;
        }
    }

    private static string PrefixOf(LoraComponent component) => component == LoraComponent.Unet ? "unet" : "text_encoder";

    private IEnumerable<Part> PartsFor(LoraComponent component)
    {
        if (_parts.TryGetValue(PrefixOf(component), out var own)) yield return own;
        if (_parts.TryGetValue("", out var shared)) yield return shared;
    }

    /// <summary>
    /// The alpha for a module given by its dotted path inside the component: an <c>alpha_pattern</c> entry whose key
    /// equals the path or ends it after a '.', else <c>lora_alpha</c>. Pattern keys are matched as literal module names
    /// (PEFT also accepts regular expressions; diffusers writes literal names).
    /// </summary>
    public double? AlphaFor(LoraComponent component, string modulePath)
    {
        foreach (var part in PartsFor(component))
        {
            foreach (var (pattern, alpha) in part.AlphaPattern)
                if (modulePath == pattern || modulePath.EndsWith("." + pattern, StringComparison.Ordinal)) return alpha;
            if (part.LoraAlpha is { } loraAlpha) return loraAlpha;
        }
        return null;
    }

    /// <summary>True when the component's adapter was trained with rank-stabilised scaling (alpha / √r).</summary>
    public bool UsesRsLora(LoraComponent component) => PartsFor(component).FirstOrDefault()?.UseRsLora == true;
}
