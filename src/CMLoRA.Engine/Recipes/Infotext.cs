using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Writes a recipe as AUTOMATIC1111 infotext (the PNG <c>parameters</c> text), so A1111, Civitai and image browsers
/// read our images: the prompt with <c>&lt;lora:name:weight&gt;</c> tags, <c>Negative prompt:</c>, then one line of
/// <c>Key: value</c> pairs in A1111's order, values quoted as A1111 quotes them (JSON strings when they contain a
/// comma, colon or newline). Our own keys follow A1111's (docs/recipes.md lists them).
/// </summary>
public static class Infotext
{
    /// <summary>Prefix of the <c>Version</c> value this engine writes, e.g. "CMLoRA 1.0.0".</summary>
    public const string VersionPrefix = "CMLoRA ";

    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The infotext of <paramref name="recipe"/>.</summary>
    public static string Format(GenerationRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var text = new StringBuilder(recipe.Prompt);
        // A1111 applies LoRAs named in the prompt; tags already in the prompt are not repeated.
        foreach (var lora in recipe.Loras)
        {
            string tag = $"<lora:{InfotextName(lora.Name)}:{Number(lora.Weight)}>";
            if (recipe.Prompt.Contains(tag, StringComparison.Ordinal)) continue;
            if (text.Length > 0 && !char.IsWhiteSpace(text[^1])) text.Append(' ');
            text.Append(tag);
        }
        text.Append('\n');
        if (recipe.NegativePrompt.Length > 0) text.Append("Negative prompt: ").Append(recipe.NegativePrompt).Append('\n');

        var kind = SamplerFactory.ParseName(recipe.Sampler);
        var pairs = new List<(string Key, string? Value)>
        {
            ("Steps", recipe.Steps.ToString(CultureInfo.InvariantCulture)),
            ("Sampler", SamplerNames.A1111Name(kind)),
            ("Schedule type", recipe.Karras ? "Karras" : "Uniform"),
            ("CFG scale", Number(recipe.CfgScale)),
            ("Seed", recipe.Seed.ToString(CultureInfo.InvariantCulture)),
            ("Size", $"{recipe.Width}x{recipe.Height}"),
            ("Model hash", recipe.Model.AutoV2),
            ("Model", recipe.Model.Name),
            ("VAE hash", recipe.Runtime?.Vae?.AutoV2),
            ("VAE", recipe.Runtime?.Vae?.Name),
            ("Clip skip", recipe.ClipSkip > 1 ? recipe.ClipSkip.ToString(CultureInfo.InvariantCulture) : null),
            ("RNG", recipe.Rng == LatentNoise.RngSource ? "CPU" : null),
            ("Lora hashes", recipe.Loras.Count == 0 ? null
                : string.Join(", ", recipe.Loras.Select(l => $"{InfotextName(l.Name)}: {ShortHash(l)}"))),
            ("Composition", recipe.Method == CompositionMethod.None && recipe.Loras.Count == 0 ? null : MethodName(recipe.Method)),
            ("Composition options", recipe.Options is null || recipe.Loras.Count == 0 ? null
                : JsonSerializer.Serialize(recipe.Options, RecipeJsonOptions())),
            ("LoRA order", recipe.Method == CompositionMethod.CmLora && recipe.ScheduleOrder.Count > 0
                ? string.Join(", ", recipe.ScheduleOrder.Select(InfotextName)) : null),
            ("Timestep spacing", recipe.TimestepSpacing?.ToString().ToLowerInvariant()),
            ("Version", VersionPrefix + (recipe.EngineVersion ?? "unknown")),
        };
        text.AppendJoin(", ", pairs.Where(p => p.Value is not null).Select(p => $"{p.Key}: {Quote(p.Value!)}"));
        return text.ToString();
    }

    /// <summary>Display name of a method as infotext writes it: Merge, Switch, Composite, CMLoRA or None.</summary>
    public static string MethodName(CompositionMethod method) => method == CompositionMethod.CmLora ? "CMLoRA" : method.ToString();

    /// <summary>A LoRA name as A1111 writes it in tags and <c>Lora hashes</c>: without ':', ',', '&lt;', '&gt;' or line breaks.</summary>
    public static string InfotextName(string name)
    {
        var s = new StringBuilder(name.Length);
        foreach (char c in name)
            if (c is not (':' or ',' or '<' or '>' or '\n' or '\r')) s.Append(c);
        return s.ToString().Trim();
    }

    /// <summary>
    /// A1111's quoting: a value with a comma, colon or newline becomes a JSON string (non-ASCII kept), others stay bare.
    /// </summary>
    public static string Quote(string value) =>
        value.Contains(',') || value.Contains(':') || value.Contains('\n') || value.Contains('"')
            ? JsonSerializer.Serialize(value, QuoteOptions)
            : value;

    // A1111 writes the 12-hex "addnet" hash of the tensor bytes for .safetensors LoRAs; AutoV2 otherwise (Fooocus' choice).
    private static string ShortHash(RecipeLora lora) =>
        lora.AutoV3 is { Length: >= 12 } v3 ? v3[..12] : lora.AutoV2 ?? lora.Sha256?[..10] ?? "unknown";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static JsonSerializerOptions RecipeJsonOptions() => OptionsJson;

    private static readonly JsonSerializerOptions OptionsJson = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new CompositionOptionsJsonConverter() },
    };
}
