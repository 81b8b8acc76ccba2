using CMLoRA.Engine.Recipes;
using CMLoRA.Storage;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Library;
using Microsoft.EntityFrameworkCore;
using EngineRecipeLora = CMLoRA.Engine.Recipes.RecipeLora;

namespace CMLoRA.Web.Studio;

/// <summary>
/// Settings restored from a PNG: the request to prefill the Generate page with, what could not be restored, where the
/// settings came from (our recipe chunk or A1111 infotext) and the recipe read.
/// </summary>
public sealed record RestoredSettings(GenerationRequest Request, IReadOnlyList<string> Notes, bool Complete, RecipeSource Source, GenerationRecipe Recipe);

/// <summary>
/// POST /api/images/import's answer: <see cref="Request"/> is the POST /api/jobs body that restores the settings;
/// <see cref="Source"/> is RecipeJson (our complete recipe chunk) or Infotext; <see cref="Recipe"/> is the recipe read,
/// in the engine's JSON form.
/// </summary>
public sealed record ImportedSettingsDto(string Source, bool Complete, GenerationRequest Request, IReadOnlyList<string> Notes,
    System.Text.Json.JsonElement Recipe)
{
    public static ImportedSettingsDto From(RestoredSettings restored)
    {
        using var recipe = System.Text.Json.JsonDocument.Parse(RecipeJson.Serialize(restored.Recipe));
        return new ImportedSettingsDto(restored.Source.ToString(), restored.Complete, restored.Request, restored.Notes, recipe.RootElement.Clone());
    }
}

/// <summary>
/// Drag-and-drop import on the Generate page: reads a PNG's recipe or A1111 infotext with <see cref="RecipeImport.FromPng"/>
/// and finds its LoRAs in the library the user may see, by content hash first (SHA-256, AutoV3 in full or its 12-hex
/// short form, AutoV2) and by name last.
/// </summary>
public sealed class RecipeRestore(IDbContextFactory<StudioDbContext> dbFactory, ModelCatalog models)
{
    /// <summary>Larger drops are refused before they are read.</summary>
    public const long MaxPngBytes = 32L << 20;

    /// <exception cref="RecipeFormatException">The bytes are not a PNG with generation parameters.</exception>
    public async Task<RestoredSettings> FromPngAsync(CurrentUser user, byte[] png, CancellationToken cancellationToken = default)
    {
        var imported = RecipeImport.FromPng(png);
        var recipe = imported.Recipe;
        var notes = new List<string>(imported.Warnings);
        notes.AddRange(imported.Unmapped.Select(u => $"Not restored: {u.Key} = {u.Value} ({u.Reason})"));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var visible = await db.Loras.AsNoTracking()
            .Where(l => user.IsAdmin || l.OwnerId == user.Id || l.Visibility == Visibility.Team)
            .Select(l => new { l.Id, l.Name, l.OutputName, l.Sha256, l.AutoV2, l.AutoV3 })
            .ToListAsync(cancellationToken);
        var loras = new List<LoraUse>();
        foreach (var lora in recipe.Loras)
        {
            var match = visible.FirstOrDefault(v => SameHash(lora, v.Sha256, v.AutoV2, v.AutoV3))
                ?? visible.FirstOrDefault(v => string.Equals(v.Name, lora.Name, StringComparison.OrdinalIgnoreCase)
                                               || string.Equals(v.OutputName, lora.Name, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                notes.Add($"LoRA '{lora.Name}' is not in your library; it was left out.");
                continue;
            }
            if (loras.Any(l => l.LoraId == match.Id)) continue;
            loras.Add(new LoraUse(match.Id, StoredRecipe.Weight(lora.Weight)));
        }
        var method = recipe.Method.ToString().ToLowerInvariant();
        if (loras.Count == 0 && method != "none") method = recipe.Loras.Count == 0 ? "none" : method;

        // The model by its listed name; the recipe's content hash is checked once the job runs (its recipe records the hash).
        var available = models.List().Where(m => m.Available).ToList();
        var model = available.FirstOrDefault(m => string.Equals(m.Name, recipe.Model.Name, StringComparison.OrdinalIgnoreCase));
        if (model is null)
            notes.Add($"Model '{recipe.Model.Name}'{(recipe.Model.AutoV2 is { } hash ? $" ({hash})" : "")} is not in this studio; the default model was chosen.");

        var request = new GenerationRequest
        {
            Prompt = recipe.Prompt, NegativePrompt = recipe.NegativePrompt, Loras = loras, Method = method,
            Options = recipe.Options is { } options && CompositionSettingsMapper.RequestName(options.Method) == method
                ? CompositionSettingsMapper.FromEngine(options) : null,
            Model = model?.Name,
            Sampler = recipe.Sampler, Karras = recipe.Karras, Steps = recipe.Steps, Cfg = recipe.CfgScale, Width = recipe.Width, Height = recipe.Height,
            Seed = recipe.Seed, ClipSkip = recipe.ClipSkip, BatchCount = 1,
        };
        return new RestoredSettings(request, notes, imported.IsComplete && loras.Count == recipe.Loras.Count && model is not null, imported.Source, recipe);
    }

    private static bool SameHash(EngineRecipeLora lora, string sha256, string autoV2, string autoV3)
    {
        static bool Eq(string? a, string? b) => !string.IsNullOrEmpty(a) && !string.IsNullOrEmpty(b) && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        if (Eq(lora.Sha256, sha256) || Eq(lora.AutoV2, autoV2) || Eq(lora.AutoV3, autoV3)) return true;
        // Infotext carries A1111's 12-hex short AutoV3.
        return lora.AutoV3 is { Length: >= 10 } shortHash && autoV3.StartsWith(shortHash, StringComparison.OrdinalIgnoreCase);
    }
}
