using System.Globalization;
using System.Text.Json;
using CMLoRA.Engine.Composition;
using CMLoRA.Web.Generation;

namespace CMLoRA.Web.Studio;

/// <summary>
/// What makes two generations the same image: model, prompts, sampler, steps, CFG, size, seed, clip skip, method with
/// its options and the LoRAs with their weights in order. Used to find an ablation cell's image or job and images to compare.
/// </summary>
public static class RecipeKey
{
    /// <summary>Everything but the method and LoRAs: images with equal settings keys differ only in composition.</summary>
    public static string Settings(string model, string prompt, string negative, string sampler, int steps, double cfg, int width, int height, long seed,
        int clipSkip) =>
        string.Join('\u001f', model.Trim().ToLowerInvariant(), prompt, negative, sampler.Trim().ToLowerInvariant(), steps,
            cfg.ToString("R", CultureInfo.InvariantCulture), width, height, seed, clipSkip);

    /// <summary>The method (none without LoRAs), its options with every value spelled out, and the LoRAs with their weights.</summary>
    public static string Composition(CompositionMethod method, CompositionOptions options, IEnumerable<(Guid? Id, double Weight)> loras)
    {
        var list = loras.ToList();
        string m = list.Count == 0 ? "none" : CompositionSettingsMapper.RequestName(method);
        string o = list.Count == 0 ? "" : JsonSerializer.Serialize(CompositionSettingsMapper.FromEngine(options), GenerationService.Json);
        return m + "|" + o + "|" + string.Join(",", list.Select(l => $"{l.Id}:{Math.Round(l.Weight, 4).ToString(CultureInfo.InvariantCulture)}"));
    }

    public static string Of(StoredRecipe stored)
    {
        var r = stored.Recipe;
        var options = r.Options is { } o && o.Method == r.Method ? o : CompositionSettingsMapper.ToEngine(r.Method, null);
        return SettingsOf(stored) + "#" + Composition(r.Method, options, stored.LorasWithIds.Select(p => (p.LibraryId, StoredRecipe.Weight(p.Lora.Weight))));
    }

    public static string SettingsOf(StoredRecipe stored)
    {
        var r = stored.Recipe;
        return Settings(r.Model.Name, r.Prompt, r.NegativePrompt, r.Sampler, r.Steps, r.CfgScale, r.Width, r.Height, r.Seed, r.ClipSkip);
    }

    /// <summary>The key of the single image a request makes (its first image when the batch is larger); <paramref name="model"/> is its model's name.</summary>
    public static string Of(GenerationRequest q, string model)
    {
        var method = q.Loras.Count == 0 ? CompositionMethod.None : RequestValidator.ParseMethod(q.Method) ?? CompositionMethod.None;
        return Settings(model, q.Prompt, q.NegativePrompt, q.Sampler, q.Steps, q.Cfg, q.Width, q.Height, q.Seed ?? -1, q.ClipSkip) + "#"
            + Composition(method, CompositionSettingsMapper.ToEngine(method, q.Options), q.Loras.Select(l => ((Guid?)l.LoraId, l.Weight)));
    }

    /// <summary>An image row's recipe, or null when it is not one the studio wrote.</summary>
    public static StoredRecipe? Parse(string json, string? loraIds) => StoredRecipe.Read(json, loraIds);
}
