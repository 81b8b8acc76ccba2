namespace CMLoRA.Engine.Recipes;

/// <summary>The result of importing a PNG or infotext: a recipe, where it came from and what could not be mapped.</summary>
/// <param name="Recipe">The recipe; partial (model and LoRAs without full hashes, defaults filled in) when from infotext.</param>
/// <param name="Source">Our recipe chunk or infotext.</param>
/// <param name="Unmapped">Infotext keys and values that the recipe does not carry, each with the reason; empty for our recipe chunk.</param>
/// <param name="Warnings">Problems met on the way (a corrupt recipe chunk, skipped PNG chunks).</param>
/// <param name="Infotext">The infotext, when the PNG had one.</param>
public sealed record ImportedRecipe(
    GenerationRecipe Recipe,
    RecipeSource Source,
    IReadOnlyList<UnmappedField> Unmapped,
    IReadOnlyList<string> Warnings,
    string? Infotext)
{
    /// <summary>True when the recipe is our complete one, so "re-run exactly" is possible.</summary>
    public bool IsComplete => Source == RecipeSource.RecipeJson;
}
