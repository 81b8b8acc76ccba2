using CMLoRA.Engine.Recipes;
using CMLoRA.Storage;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Library;
using Microsoft.EntityFrameworkCore;
using EngineRecipeLora = CMLoRA.Engine.Recipes.RecipeLora;

namespace CMLoRA.Web.Studio;

/// <summary>Settings restored from a PNG: the request to prefill the Generate page with, and what could not be restored.</summary>
public sealed record RestoredSettings(GenerationRequest Request, IReadOnlyList<string> Notes, bool Complete);

/// <summary>
/// Drag-and-drop import on the Generate page: reads a PNG's recipe or A1111 infotext with <see cref="RecipeImport.FromPng"/>
/// and finds its LoRAs in the library the user may see, by content hash first (SHA-256, AutoV3 in full or its 12-hex
/// short form, AutoV2) and by name last.
/// </summary>
public sealed class RecipeRestore(IDbContextFactory<StudioDbContext> dbFactory)
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
            loras.Add(new LoraUse(match.Id, Math.Round(lora.Weight, 4)));
        }
        var method = recipe.Method.ToString().ToLowerInvariant();
        if (loras.Count == 0 && method != "none") method = recipe.Loras.Count == 0 ? "none" : method;
        var request = new GenerationRequest
        {
            Prompt = recipe.Prompt, NegativePrompt = recipe.NegativePrompt, Loras = loras, Method = method,
            Sampler = recipe.Sampler, Steps = recipe.Steps, Cfg = recipe.CfgScale, Width = recipe.Width, Height = recipe.Height,
            Seed = recipe.Seed, ClipSkip = recipe.ClipSkip, BatchCount = 1,
        };
        return new RestoredSettings(request, notes, imported.IsComplete && loras.Count == recipe.Loras.Count);
    }

    private static bool SameHash(EngineRecipeLora lora, string sha256, string autoV2, string autoV3)
    {
        static bool Eq(string? a, string? b) => !string.IsNullOrEmpty(a) && !string.IsNullOrEmpty(b) && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        if (Eq(lora.Sha256, sha256) || Eq(lora.AutoV2, autoV2) || Eq(lora.AutoV3, autoV3)) return true;
        // Infotext carries A1111's 12-hex short AutoV3.
        return lora.AutoV3 is { Length: >= 10 } shortHash && autoV3.StartsWith(shortHash, StringComparison.OrdinalIgnoreCase);
    }
}
