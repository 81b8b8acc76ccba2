using System.Globalization;
using System.Text;
using CMLoRA.Engine.Devices;
using CMLoRA.Engine.Generation;

namespace CMLoRA.Web.Generation;

/// <summary>
/// Everything needed to make an image again exactly: model and LoRAs by content hash, weights and order, method,
/// sampler, steps, CFG, size, seed and noise source, engine version; plus what it cost. Stored as the image's
/// RecipeJson (and, once the PNG chunk writer lands, inside the PNG).
/// </summary>
public sealed record ImageRecipe(
    string Format,
    string EngineVersion,
    string TorchSharpVersion,
    RecipeModel Model,
    string Prompt,
    string NegativePrompt,
    IReadOnlyList<RecipeLora> Loras,
    IReadOnlyList<string> LoraOrder,
    string Method,
    string Sampler,
    int Steps,
    double Cfg,
    int Width,
    int Height,
    long Seed,
    string NoiseRng,
    int ClipSkip,
    int BatchIndex,
    RecipeTimings Timings,
    RecipeStats Stats)
{
    public const string FormatName = "cmlora-recipe/1";

    /// <summary>The request that makes exactly this image again (batch count 1, this image's seed).</summary>
    public GenerationRequest ToRequest(IReadOnlyList<LoraUse> loras) => new()
    {
        Prompt = Prompt, NegativePrompt = NegativePrompt, Loras = loras, Method = Method.ToLowerInvariant(), Sampler = Sampler,
        Steps = Steps, Cfg = Cfg, Width = Width, Height = Height, Seed = Seed, BatchCount = 1, ClipSkip = ClipSkip,
    };

    public static ImageRecipe From(GenerationOutput output, GenerationRequest request, IReadOnlyList<RecipeLora> loras, GeneratorHost model,
        int batchIndex, long seed) => new(
        FormatName, EngineInfo.EngineVersion, EngineInfo.TorchSharpVersion,
        new RecipeModel(model.ModelName, model.ModelHash, model.ModelSha256),
        request.Prompt, request.NegativePrompt, loras, output.LoraOrder, output.Method.ToString(),
        request.Sampler, request.Steps, request.Cfg, request.Width, request.Height, seed, output.Parameters.Noise.Rng, request.ClipSkip, batchIndex,
        new RecipeTimings(output.Stats.TextEncodeSeconds, output.Stats.DenoiseSeconds, output.Stats.DecodeSeconds),
        new RecipeStats(output.Stats.FullEvaluations, output.Stats.CachedEvaluations, output.Stats.UNetCalls, output.Stats.MergedWeights));

    /// <summary>A1111's "parameters" text: prompt (with &lt;lora:name:weight&gt; tags), negative prompt, then the settings line.</summary>
    public string ToInfotext()
    {
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        var text = new StringBuilder(Prompt);
        foreach (var lora in Loras) text.Append(CultureInfo.InvariantCulture, $" <lora:{lora.Name}:{F(lora.Weight)}>");
        text.Append('\n');
        if (NegativePrompt.Length > 0) text.Append("Negative prompt: ").Append(NegativePrompt).Append('\n');
        var settings = new List<string>
        {
            $"Steps: {Steps}", $"Sampler: {SamplerLabel(Sampler)}", $"CFG scale: {F(Cfg)}", $"Seed: {Seed}", $"Size: {Width}x{Height}",
            $"Model hash: {Model.Hash}", $"Model: {Model.Name}",
        };
        if (ClipSkip > 1) settings.Add($"Clip skip: {ClipSkip}");
        if (Loras.Count > 0)
        {
            settings.Add($"Lora hashes: \"{string.Join(", ", Loras.Select(l => $"{l.Name}: {l.AutoV3[..Math.Min(12, l.AutoV3.Length)]}"))}\"");
            settings.Add($"Composition: {Method}");
        }
        settings.Add($"Version: CMLoRA {EngineVersion}");
        text.Append(string.Join(", ", settings));
        return text.ToString();
    }

    /// <summary>A1111's sampler names.</summary>
    public static string SamplerLabel(string sampler) => sampler.Trim().ToLowerInvariant() switch
    {
        "dpmpp2m" or "dpm++2m" or "dpmpp_2m" => "DPM++ 2M",
        "euler" => "Euler",
        "euler_a" or "euler_ancestral" => "Euler a",
        "ddim" => "DDIM",
        _ => sampler,
    };
}

/// <summary>The model by name and content hash.</summary>
public sealed record RecipeModel(string Name, string Hash, string Sha256);

/// <summary>One LoRA by library id, name and content hashes, with its weight and place in the user's order.</summary>
public sealed record RecipeLora(Guid LibraryId, string Name, string Sha256, string AutoV3, double Weight, int Order);

public sealed record RecipeTimings(double TextEncodeSeconds, double DenoiseSeconds, double DecodeSeconds);

public sealed record RecipeStats(int FullEvaluations, int CachedEvaluations, int UNetCalls, bool MergedWeights);
