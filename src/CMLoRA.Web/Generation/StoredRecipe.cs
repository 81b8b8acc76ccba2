using System.Globalization;
using System.Text.Json;
using CMLoRA.Engine.Recipes;

namespace CMLoRA.Web.Generation;

/// <summary>
/// A stored image's recipe as the studio reads it: the engine's <see cref="GenerationRecipe"/> (the same JSON as the
/// PNG's recipe chunk) plus the library ids of its LoRAs, in the recipe's order. Images stored before the studio wrote
/// the engine's recipe carry an older JSON shape; <see cref="Read"/> converts it (<see cref="Legacy"/> is then true).
/// </summary>
public sealed record StoredRecipe(GenerationRecipe Recipe, IReadOnlyList<Guid?> LoraIds, bool Legacy)
{
    /// <summary>
    /// Reads an image row's recipe; <paramref name="loraIds"/> is its comma-separated LoraIds column. Null when the
    /// JSON is neither shape (never written by the studio).
    /// </summary>
    public static StoredRecipe? Read(string recipeJson, string? loraIds)
    {
        if (LegacyImageRecipe.TryRead(recipeJson) is { } legacy)
            return new StoredRecipe(legacy.ToEngine(), legacy.Loras.OrderBy(l => l.Order).Select(l => (Guid?)l.LibraryId).ToList(), Legacy: true);
        if (!RecipeJson.TryParse(recipeJson, out var recipe, out _)) return null;
        var ids = (loraIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var id) ? id : (Guid?)null).ToList();
        return new StoredRecipe(recipe!, recipe!.Loras.Select((_, i) => i < ids.Count ? ids[i] : null).ToList(), Legacy: false);
    }

    /// <summary>The LoRAs' library ids as the LoraIds column stores them.</summary>
    public static string FormatLoraIds(IEnumerable<Guid> ids) => string.Join(',', ids.Select(id => id.ToString("D")));

    /// <summary>The recipe's LoRAs with their library ids, in the recipe's (the user's) order.</summary>
    public IEnumerable<(RecipeLora Lora, Guid? LibraryId)> LorasWithIds => Recipe.Loras.Select((l, i) => (l, LoraIds[i]));

    /// <summary>
    /// The request that makes this image again exactly: same model, method and options, LoRAs by library id with the
    /// recorded weights, same seed, batch of one. LoRAs without a library id (none in studio images) are left out.
    /// </summary>
    public GenerationRequest ToRequest() => new()
    {
        Prompt = Recipe.Prompt, NegativePrompt = Recipe.NegativePrompt,
        Loras = LorasWithIds.Where(p => p.LibraryId is not null).Select(p => new LoraUse(p.LibraryId!.Value, Weight(p.Lora.Weight))).ToList(),
        Method = CompositionSettingsMapper.RequestName(Recipe.Method),
        Options = Recipe.Options is { } options && options.Method == Recipe.Method ? CompositionSettingsMapper.FromEngine(options) : null,
        Model = Recipe.Model.Name,
        Sampler = Recipe.Sampler, Karras = Recipe.Karras, Steps = Recipe.Steps, Cfg = Recipe.CfgScale, Width = Recipe.Width, Height = Recipe.Height, Seed = Recipe.Seed,
        BatchCount = 1, ClipSkip = Recipe.ClipSkip,
    };

    /// <summary>
    /// A recipe weight (the engine's float) as the request's number: its shortest round-trip spelling, so 0.8 reads
    /// 0.8 (not 0.800000011920929) and becomes the same float again.
    /// </summary>
    public static double Weight(float weight) => double.Parse(weight.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>The recipe as the engine writes it (what the PNG carries).</summary>
    public JsonElement ToJson()
    {
        using var document = JsonDocument.Parse(RecipeJson.Serialize(Recipe));
        return document.RootElement.Clone();
    }
}
