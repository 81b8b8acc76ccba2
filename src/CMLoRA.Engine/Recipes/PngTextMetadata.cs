namespace CMLoRA.Engine.Recipes;

/// <summary>What <see cref="PngMetadata.Read"/> found in a PNG's text chunks.</summary>
/// <param name="Infotext">The <c>parameters</c> text (A1111 infotext), or null.</param>
/// <param name="RecipeJson">The <c>cmlora-recipe</c> text (our recipe JSON), or null.</param>
/// <param name="OtherText">Other text chunks by keyword (first of each), e.g. ComfyUI's <c>prompt</c>/<c>workflow</c>, capped in size.</param>
/// <param name="Warnings">Chunks skipped and why (bad CRC, oversized, undecodable), in file order.</param>
public sealed record PngTextMetadata(
    string? Infotext,
    string? RecipeJson,
    IReadOnlyDictionary<string, string> OtherText,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Deconstructs into the two texts this studio writes.</summary>
    public void Deconstruct(out string? infotext, out string? recipeJson)
    {
        infotext = Infotext;
        recipeJson = RecipeJson;
    }
}
