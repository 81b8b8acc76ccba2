namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Imports the generation settings of a PNG (the studio's drag-and-drop): our <c>cmlora-recipe</c> chunk when it is
/// there and valid, otherwise the A1111 <c>parameters</c> infotext mapped onto a partial recipe with a list of what
/// could not be mapped. docs/recipes.md describes the mapping.
/// </summary>
public static class RecipeImport
{
    /// <summary>Imports from untrusted PNG bytes.</summary>
    /// <exception cref="RecipeFormatException">The bytes are not a PNG, or it carries neither a recipe nor infotext (the message names the tool when another studio's metadata is recognised).</exception>
    public static ImportedRecipe FromPng(byte[] png)
    {
        var metadata = PngMetadata.Read(png);
        var warnings = metadata.Warnings.ToList();
        if (metadata.RecipeJson is { } json)
        {
            if (RecipeJson.TryParse(json, out var recipe, out string? error))
                return new ImportedRecipe(recipe!, RecipeSource.RecipeJson, [], warnings, metadata.Infotext);
            warnings.Add($"The {PngMetadata.RecipeKeyword} chunk could not be read ({error}); the infotext was used instead.");
        }
        if (metadata.Infotext is { } text)
        {
            if (text.TrimStart().StartsWith('{'))
                throw new RecipeFormatException(
                    "The PNG's 'parameters' chunk holds JSON (Fooocus' own metadata scheme), not A1111 infotext; it cannot be imported.");
            var imported = FromInfotext(text);
            return imported with { Warnings = [.. warnings, .. imported.Warnings] };
        }
        throw new RecipeFormatException(NoParametersMessage(metadata));
    }

    /// <summary>Maps A1111 infotext (ours or another tool's) onto a partial recipe.</summary>
    /// <exception cref="RecipeFormatException">The text is longer than <see cref="InfotextParser.MaxLength"/>.</exception>
    public static ImportedRecipe FromInfotext(string infotext)
    {
        ArgumentNullException.ThrowIfNull(infotext);
        var parsed = InfotextParser.Parse(infotext);
        var (recipe, unmapped) = InfotextMapper.Map(parsed);
        var warnings = new List<string>();
        if (parsed.Parameters.Count == 0)
            warnings.Add("The infotext has no parameter line (Steps, Sampler, …); only the prompts were imported and the rest are defaults.");
        return new ImportedRecipe(recipe, RecipeSource.Infotext, unmapped, warnings, infotext);
    }

    private static string NoParametersMessage(PngTextMetadata metadata)
    {
        var keys = metadata.OtherText.Keys;
        if (keys.Contains("workflow") || keys.Contains("prompt"))
            return "The PNG carries a ComfyUI workflow, not generation parameters this studio can read (no 'parameters' infotext).";
        if (keys.Any(k => k.StartsWith("invokeai", StringComparison.Ordinal)))
            return "The PNG carries InvokeAI metadata, not generation parameters this studio can read (no 'parameters' infotext).";
        return "The PNG carries no generation parameters (no 'parameters' or 'cmlora-recipe' text chunk).";
    }
}
