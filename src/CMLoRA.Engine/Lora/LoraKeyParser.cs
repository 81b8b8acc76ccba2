namespace CMLoRA.Engine.Lora;

/// <summary>Which model a key prefix names, including the SDXL ones that only serve to refuse a file.</summary>
internal enum LoraKeyPrefix
{
    Unet,
    TextEncoder,
    SdxlTextEncoder1,
    SdxlTextEncoder2,
}

/// <summary>One tensor key split into module and suffix.</summary>
/// <param name="ModuleKey">The module part exactly as stored: <c>lora_unet_x_y</c> or <c>unet.x.y</c>.</param>
/// <param name="ModulePath">The module path inside its component: underscores for kohya, dots for diffusers.</param>
/// <param name="Name">The normalised underscore name (the <see cref="LoraTargetKey.Name"/>).</param>
internal readonly record struct ParsedLoraKey(
    string Key, string ModuleKey, string Suffix, LoraNaming Naming, LoraKeyPrefix Prefix, string ModulePath, string Name);

/// <summary>
/// Splits LoRA tensor keys. kohya keys are <c>&lt;module&gt;.&lt;suffix&gt;</c> with the module before the first '.';
/// diffusers keys are dotted all the way, so their suffix is recognised from the end (A1111 and ComfyUI do the same).
/// </summary>
internal static class LoraKeyParser
{
    public const string AlphaSuffix = "alpha";

    private static readonly (string Prefix, LoraKeyPrefix Kind)[] KohyaPrefixes =
    [
        ("lora_unet_", LoraKeyPrefix.Unet),
        ("lora_te1_", LoraKeyPrefix.SdxlTextEncoder1),
        ("lora_te2_", LoraKeyPrefix.SdxlTextEncoder2),
        ("lora_te_", LoraKeyPrefix.TextEncoder),
    ];

    private static readonly (string Prefix, LoraKeyPrefix Kind)[] DiffusersPrefixes =
    [
        ("unet.", LoraKeyPrefix.Unet),
        ("text_encoder_2.", LoraKeyPrefix.SdxlTextEncoder2),
        ("text_encoder.", LoraKeyPrefix.TextEncoder),
    ];

    /// <summary>Suffixes with a meaning this loader implements.</summary>
    public static readonly IReadOnlyDictionary<string, LoraFactor> Factors = new Dictionary<string, LoraFactor>(StringComparer.Ordinal)
    {
        ["lora_down.weight"] = LoraFactor.Down,
        ["lora_A.weight"] = LoraFactor.Down,
        ["lora_up.weight"] = LoraFactor.Up,
        ["lora_B.weight"] = LoraFactor.Up,
        ["lora_mid.weight"] = LoraFactor.Mid,
        ["hada_w1_a"] = LoraFactor.HadaW1A,
        ["hada_w1_b"] = LoraFactor.HadaW1B,
        ["hada_w2_a"] = LoraFactor.HadaW2A,
        ["hada_w2_b"] = LoraFactor.HadaW2B,
        ["hada_t1"] = LoraFactor.HadaT1,
        ["hada_t2"] = LoraFactor.HadaT2,
        ["lokr_w1"] = LoraFactor.LokrW1,
        ["lokr_w1_a"] = LoraFactor.LokrW1A,
        ["lokr_w1_b"] = LoraFactor.LokrW1B,
        ["lokr_w2"] = LoraFactor.LokrW2,
        ["lokr_w2_a"] = LoraFactor.LokrW2A,
        ["lokr_w2_b"] = LoraFactor.LokrW2B,
        ["lokr_t2"] = LoraFactor.LokrT2,
        ["dora_scale"] = LoraFactor.DoraScale,
        ["lora_magnitude_vector"] = LoraFactor.DoraScale,
        ["lora_magnitude_vector.weight"] = LoraFactor.DoraScale,
    };

    /// <summary>Suffixes of other LyCORIS algorithms, so the refusal can say what the file is.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownUnsupported = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["on_input"] = "(IA)³",
        ["weight"] = "(IA)³ or full weights",
        ["diff"] = "LyCORIS full fine-tune",
        ["diff_b"] = "LyCORIS full fine-tune",
        ["w_norm"] = "LyCORIS norm",
        ["b_norm"] = "LyCORIS norm",
        ["a1.weight"] = "GLoRA",
        ["a2.weight"] = "GLoRA",
        ["b1.weight"] = "GLoRA",
        ["b2.weight"] = "GLoRA",
        ["bm.weight"] = "GLoRA",
        ["oft_blocks"] = "OFT/BOFT",
        ["oft_diag"] = "OFT/BOFT",
        ["rescale"] = "OFT/BOFT",
        ["lokr_t1"] = "LoKr with a Tucker core on w1",
    };

    // Longest first, so "lora_magnitude_vector.weight" wins over a shorter match.
    private static readonly string[] DottedSuffixes = Factors.Keys.Append(AlphaSuffix)
        .OrderByDescending(s => s.Length).ToArray();

    private static readonly string[] UnsupportedSuffixesLongestFirst = KnownUnsupported.Keys.OrderByDescending(s => s.Length).ToArray();

    /// <summary>Splits a key, or returns false for a key in no LoRA naming this loader knows.</summary>
    public static bool TryParse(string key, out ParsedLoraKey parsed)
    {
        foreach (var (prefix, kind) in KohyaPrefixes)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            int dot = key.IndexOf('.');
            if (dot <= prefix.Length || dot == key.Length - 1) break;
            string module = key[..dot];
            string name = module[prefix.Length..];
            parsed = new ParsedLoraKey(key, module, key[(dot + 1)..], LoraNaming.Kohya, kind, name, name);
            return true;
        }
        foreach (var (prefix, kind) in DiffusersPrefixes)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            foreach (string suffix in DottedSuffixes)
            {
                if (key.Length <= prefix.Length + suffix.Length + 1 || !key.EndsWith("." + suffix, StringComparison.Ordinal)) continue;
                string module = key[..^(suffix.Length + 1)];
                string path = module[prefix.Length..];
                parsed = new ParsedLoraKey(key, module, suffix, LoraNaming.Diffusers, kind, path, path.Replace('.', '_'));
                return true;
            }
            break;
        }
        parsed = default;
        return false;
    }

    /// <summary>True when the suffix is a factor or alpha this loader applies.</summary>
    public static bool IsSupportedSuffix(string suffix) => suffix == AlphaSuffix || Factors.ContainsKey(suffix);

    /// <summary>A short phrase for why keys were refused, from what they look like.</summary>
    public static string DescribeUnsupported(IReadOnlyList<string> keys)
    {
        var hints = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            if (key.StartsWith("model.diffusion_model.", StringComparison.Ordinal) || key.StartsWith("first_stage_model.", StringComparison.Ordinal)
                || key.StartsWith("cond_stage_model.", StringComparison.Ordinal))
                hints.Add("a full checkpoint, not a LoRA");
            else if (key.StartsWith("bundle_emb.", StringComparison.Ordinal))
                hints.Add("bundled textual-inversion embeddings");
            else if (key.StartsWith("oft_unet_", StringComparison.Ordinal))
                hints.Add("kohya OFT");
            else if (key.StartsWith("lora_prior_", StringComparison.Ordinal))
                hints.Add("Stable Cascade");
            else if (key.StartsWith("lycoris_", StringComparison.Ordinal))
                hints.Add("LyCORIS native-wrapper names");
            else if (key.Contains("_lora.", StringComparison.Ordinal) || key.Contains(".lora_linear_layer.", StringComparison.Ordinal))
                hints.Add("the old diffusers attention-processor format");
            else if (key.Contains(".lora_A.", StringComparison.Ordinal) || key.Contains(".lora_B.", StringComparison.Ordinal))
                hints.Add("PEFT names with an adapter name or without a unet./text_encoder. prefix");
            else if (UnsupportedSuffixesLongestFirst.FirstOrDefault(s => key.EndsWith("." + s, StringComparison.Ordinal)) is { } suffix)
                hints.Add(KnownUnsupported[suffix]);
        }
        return hints.Count == 0 ? "" : " They look like " + string.Join(", ", hints) + ".";
    }
}
