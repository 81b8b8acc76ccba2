using System.Globalization;
using System.Text.Json;
using CMLoRA.Web.Generation;

namespace CMLoRA.Web.Studio;

/// <summary>
/// What makes two generations the same image: prompts, sampler, steps, CFG, size, seed, clip skip, method and the
/// LoRAs with their weights in order. Used to find an ablation cell's image or job and images to compare.
/// </summary>
public static class RecipeKey
{
    /// <summary>Everything but the method and LoRAs: images with equal settings keys differ only in composition.</summary>
    public static string Settings(string prompt, string negative, string sampler, int steps, double cfg, int width, int height, long seed, int clipSkip) =>
        string.Join('\u001f', prompt, negative, sampler.Trim().ToLowerInvariant(), steps, cfg.ToString("R", CultureInfo.InvariantCulture),
            width, height, seed, clipSkip);

    public static string Composition(string method, IEnumerable<(Guid Id, double Weight)> loras)
    {
        var list = loras.ToList();
        string m = list.Count == 0 ? "none" : method.Trim().ToLowerInvariant();
        return m + "|" + string.Join(",", list.Select(l => $"{l.Id}:{Math.Round(l.Weight, 4).ToString(CultureInfo.InvariantCulture)}"));
    }

    public static string Of(ImageRecipe r) =>
        Settings(r.Prompt, r.NegativePrompt, r.Sampler, r.Steps, r.Cfg, r.Width, r.Height, r.Seed, r.ClipSkip) + "#"
        + Composition(r.Method, r.Loras.OrderBy(l => l.Order).Select(l => (l.LibraryId, l.Weight)));

    /// <summary>The key of the single image a request makes (its first image when the batch is larger).</summary>
    public static string Of(GenerationRequest q) =>
        Settings(q.Prompt, q.NegativePrompt, q.Sampler, q.Steps, q.Cfg, q.Width, q.Height, q.Seed ?? -1, q.ClipSkip) + "#"
        + Composition(q.Method, q.Loras.Select(l => (l.LoraId, l.Weight)));

    public static ImageRecipe? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ImageRecipe>(json, GenerationService.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
