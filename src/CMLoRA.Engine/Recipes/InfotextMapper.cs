using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Recipes;

/// <summary>Maps <see cref="ParsedInfotext"/> onto a partial <see cref="GenerationRecipe"/>, listing what it cannot map.</summary>
internal static partial class InfotextMapper
{
    // Keys this mapper reads; every other key is reported as unmapped.
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "Steps", "Sampler", "Schedule type", "CFG scale", "Seed", "Size", "Model hash", "Model", "Clip skip", "RNG", "Lora hashes",
        "Composition", "Composition options", "LoRA order", "Timestep spacing", "Version",
    };

    private static readonly JsonSerializerOptions OptionsJson = new() { Converters = { new CompositionOptionsJsonConverter() } };

    [GeneratedRegex(@"<(?:lora|lyco):(?<args>[^>]+)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex LoraTag();

    [GeneratedRegex(@"^\s*(\d+)\s*[x×]\s*(\d+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();

    public static (GenerationRecipe Recipe, List<UnmappedField> Unmapped) Map(ParsedInfotext text)
    {
        var unmapped = new List<UnmappedField>();
        var (prompt, loras) = TakeLoraTags(text.Prompt, unmapped);
        ApplyLoraHashes(text, loras, unmapped);

        int steps = Int(text, "Steps", 20, unmapped);
        double cfg = Double(text, "CFG scale", 7.0, unmapped);
        long seed = Long(text, "Seed", 0, unmapped);
        var (width, height) = Size(text, unmapped);
        var (sampler, karras) = Sampler(text, unmapped);
        int clipSkip = Int(text, "Clip skip", 1, unmapped);
        string rng = Rng(text, unmapped);
        var method = Method(text, loras.Count, unmapped);
        var options = Options(text, method, unmapped);
        var spacing = Enum.TryParse<TimestepSpacing>(text["Timestep spacing"], ignoreCase: true, out var s) ? s : (TimestepSpacing?)null;
        string? version = text["Version"] is { } v && v.StartsWith(Infotext.VersionPrefix, StringComparison.Ordinal) ? v[Infotext.VersionPrefix.Length..] : null;
        var order = text["LoRA order"] is { } o ? o.Split(',').Select(n => n.Trim()).Where(n => n.Length > 0).ToList() : loras.Select(l => l.Name).ToList();
        if (method == CompositionMethod.CmLora && version is null && loras.Count > 0)
            unmapped.Add(new("LoRA categories", "(not in infotext)",
                "CMLoRA orders LoRAs by category and frequency profile, which infotext does not carry; every LoRA is 'other' until the library supplies them."));
        foreach (var pair in text.Parameters.Where(p => !Known.Contains(p.Key)))
            unmapped.Add(new(pair.Key, pair.Value, pair.Key.StartsWith("VAE", StringComparison.OrdinalIgnoreCase)
                ? "A VAE override is not restored; the model's own VAE is used."
                : "Not a setting of this engine; ignored."));

        var recipe = new GenerationRecipe
        {
            EngineVersion = version,
            Model = Model(text, unmapped),
            Loras = loras,
            ScheduleOrder = order,
            Method = method,
            Options = options,
            Prompt = prompt,
            NegativePrompt = text.NegativePrompt,
            Sampler = SamplerNames.ShortName(sampler),
            Karras = karras,
            TimestepSpacing = spacing,
            Steps = steps,
            CfgScale = cfg,
            Width = width,
            Height = height,
            Seed = seed,
            Rng = rng,
            ClipSkip = clipSkip,
        };
        return (recipe, unmapped);
    }

    private static (string Prompt, List<RecipeLora> Loras) TakeLoraTags(string prompt, List<UnmappedField> unmapped)
    {
        var loras = new List<RecipeLora>();
        string remaining;
        try
        {
            remaining = LoraTag().Replace(prompt, match =>
            {
                string[] args = match.Groups["args"].Value.Split(':');
                string name = args[0].Trim();
                if (name.Length == 0 || loras.Any(l => l.Name == name))
                {
                    unmapped.Add(new("LoRA tag", match.Value, name.Length == 0 ? "The tag has no name." : $"LoRA '{name}' is named twice; the first tag counts."));
                    return "";
                }
                float weight = 1f;
                if (args.Length > 1 && !float.TryParse(args[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
                {
                    unmapped.Add(new("LoRA tag", match.Value, "The weight is not a number; 1 is used."));
                    weight = 1f;
                }
                if (args.Length > 2)
                    unmapped.Add(new("LoRA tag", match.Value, "A separate UNet weight or dyn option is not supported; the first weight applies to the whole LoRA."));
                loras.Add(new RecipeLora(name, null, null, null, float.IsFinite(weight) ? weight : 1f));
                return "";
            });
        }
        catch (RegexMatchTimeoutException)
        {
            return (prompt, loras);
        }
        if (loras.Count > 0 || remaining != prompt) remaining = CleanAfterTagRemoval(remaining);
        return (remaining, loras);
    }

    // "a, <lora:x:1>, b" leaves "a, , b"; collapse the empty items and the spaces the tags stood in.
    private static string CleanAfterTagRemoval(string text) =>
        EmptyItems().Replace(text, ", ").Trim().TrimEnd(',').TrimStart(',').Trim();

    [GeneratedRegex(@"\s*,(\s*,)+\s*", RegexOptions.CultureInvariant)]
    private static partial Regex EmptyItems();

    private static void ApplyLoraHashes(ParsedInfotext text, List<RecipeLora> loras, List<UnmappedField> unmapped)
    {
        foreach (var (name, hash) in text.LoraHashes())
        {
            int index = loras.FindIndex(l => string.Equals(Infotext.InfotextName(l.Name), name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                loras.Add(new RecipeLora(name, null, null, null, 1f));
                index = loras.Count - 1;
                unmapped.Add(new("Lora hashes", $"{name}: {hash}", "The prompt has no <lora:…> tag for this LoRA; weight 1 is assumed."));
            }
            string h = hash.ToLowerInvariant();
            if (!h.All(Uri.IsHexDigit)) h = "";
            loras[index] = h.Length switch
            {
                12 => loras[index] with { AutoV3 = h },
                10 => loras[index] with { AutoV2 = h },
                64 => loras[index] with { Sha256 = h, AutoV2 = h[..10] },
                _ => Unmapped(loras[index], unmapped, name, hash),
            };
        }
    }

    private static RecipeLora Unmapped(RecipeLora lora, List<UnmappedField> unmapped, string name, string hash)
    {
        unmapped.Add(new("Lora hashes", $"{name}: {hash}", "Not a 10-, 12- or 64-hex hash; the LoRA must be found by name."));
        return lora;
    }

    private static ModelIdentity Model(ParsedInfotext text, List<UnmappedField> unmapped)
    {
        string name = text["Model"] is { Length: > 0 } m ? m : "unknown";
        string? hash = text["Model hash"]?.Trim().ToLowerInvariant();
        if (hash is null || !hash.All(Uri.IsHexDigit)) hash = hash is null ? null : "";
        switch (hash?.Length)
        {
            case null: return new ModelIdentity(name, null, null, null);
            case 10: return new ModelIdentity(name, null, null, hash);
            case 64: return new ModelIdentity(name, null, hash, hash[..10]);
            default:
                unmapped.Add(new("Model hash", text["Model hash"]!, hash!.Length == 8
                    ? "A1111's old 8-hex model hash (AutoV1) cannot identify a model here; the model must be found by name."
                    : "Not a 10- or 64-hex hash; the model must be found by name."));
                return new ModelIdentity(name, null, null, null);
        }
    }

    private static (SamplerKind Kind, bool Karras) Sampler(ParsedInfotext text, List<UnmappedField> unmapped)
    {
        var kind = SamplerKind.DpmPlusPlus2M;
        bool? karras = null;
        if (text["Sampler"] is { } name)
        {
            if (SamplerNames.ParseA1111(name) is { } parsed) (kind, karras) = parsed;
            else unmapped.Add(new("Sampler", name, "This engine has DPM++ 2M, Euler, Euler a and DDIM; DPM++ 2M is used."));
        }
        switch (text["Schedule type"])
        {
            case null: break;
            case var t when t.Equals("Karras", StringComparison.OrdinalIgnoreCase): karras = true; break;
            // A1111 1.9+ resolves "Automatic" to the sampler's default schedule, Karras for DPM++ 2M.
            case var t when t.Equals("Automatic", StringComparison.OrdinalIgnoreCase): karras ??= kind == SamplerKind.DpmPlusPlus2M; break;
            case var t when t.Equals("Uniform", StringComparison.OrdinalIgnoreCase) || t.Equals("Normal", StringComparison.OrdinalIgnoreCase): karras ??= false; break;
            case var t: unmapped.Add(new("Schedule type", t, "Only Karras and uniform schedules exist here; the uniform one is used.")); break;
        }
        return (kind, karras ?? false);
    }

    private static string Rng(ParsedInfotext text, List<UnmappedField> unmapped)
    {
        const string differs = "this engine draws the initial noise with a CPU generator, so the same seed gives a different image.";
        switch (text["RNG"]?.Trim().ToUpperInvariant())
        {
            case "CPU": return LatentNoise.RngSource;
            case null:
                unmapped.Add(new("RNG", "(not recorded)", "A1111 omits it when the noise came from the GPU, its default; " + differs));
                return "unknown";
            case var other:
                unmapped.Add(new("RNG", text["RNG"]!, $"Noise from '{other}': " + differs));
                return "a1111-" + other.ToLowerInvariant();
        }
    }

    private static CompositionMethod Method(ParsedInfotext text, int loraCount, List<UnmappedField> unmapped)
    {
        var named = CompositionMethodJsonConverter.TryParse(text["Composition"]);
        if (text["Composition"] is { } written && named is null)
            unmapped.Add(new("Composition", written, "Unknown composition method."));
        if (loraCount == 0) return CompositionMethod.None;
        if (named is { } method and not CompositionMethod.None) return method;
        if (named is null)
            unmapped.Add(new("Composition", "(not recorded)", "Other tools add the LoRA deltas into the weights, which is LoRA Merge; Merge is used."));
        return CompositionMethod.Merge;
    }

    private static CompositionOptions? Options(ParsedInfotext text, CompositionMethod method, List<UnmappedField> unmapped)
    {
        if (text["Composition options"] is { } json)
        {
            try
            {
                var options = JsonSerializer.Deserialize<CompositionOptions>(json, OptionsJson);
                if (options is not null && options.Method == method) return options;
                unmapped.Add(new("Composition options", json, $"The options are for another method than {method}; its defaults are used."));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                unmapped.Add(new("Composition options", json, $"Not valid options ({e.Message}); the method's defaults are used."));
            }
        }
        return GenerationRecipe.ExplicitOptions(method, null);
    }

    private static (int Width, int Height) Size(ParsedInfotext text, List<UnmappedField> unmapped)
    {
        if (text["Size"] is not { } size) return (512, 512);
        var m = SizePattern().Match(size);
        if (m.Success && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out int w) && int.TryParse(m.Groups[2].Value, CultureInfo.InvariantCulture, out int h)
            && w > 0 && h > 0)
            return (w, h);
        unmapped.Add(new("Size", size, "Not WIDTHxHEIGHT; 512x512 is used."));
        return (512, 512);
    }

    private static int Int(ParsedInfotext text, string key, int fallback, List<UnmappedField> unmapped)
    {
        if (text[key] is not { } value) return fallback;
        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
        unmapped.Add(new(key, value, $"Not a positive whole number; {fallback} is used."));
        return fallback;
    }

    private static long Long(ParsedInfotext text, string key, long fallback, List<UnmappedField> unmapped)
    {
        if (text[key] is not { } value) return fallback;
        if (long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)) return n;
        unmapped.Add(new(key, value, $"Not a whole number; {fallback} is used."));
        return fallback;
    }

    private static double Double(ParsedInfotext text, string key, double fallback, List<UnmappedField> unmapped)
    {
        if (text[key] is not { } value) return fallback;
        if (double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) return d;
        unmapped.Add(new(key, value, $"Not a number; {fallback.ToString(CultureInfo.InvariantCulture)} is used."));
        return fallback;
    }
}
