namespace CMLoRA.Engine.Recipes;

/// <summary>Where an imported recipe came from.</summary>
public enum RecipeSource
{
    /// <summary>Our <c>cmlora-recipe</c> chunk: complete, reproduces the image exactly on the same model and device.</summary>
    RecipeJson,

    /// <summary>A1111 infotext (ours or another tool's): a partial recipe; <see cref="ImportedRecipe.Unmapped"/> lists the gaps.</summary>
    Infotext,
}
