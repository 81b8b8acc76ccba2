using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// The one-click ablation of a history item: the same seed and settings with each composition method over all its
/// LoRAs, and with each LoRA left out under the item's own method, laid out as a two-row grid. A pure function of the
/// recipe; the studio queues the entries that are not <see cref="AblationEntry.IsOriginal"/> or duplicates.
/// </summary>
public static class AblationPlan
{
    /// <summary>The methods of row 0 after the base model, in grid order.</summary>
    public static IReadOnlyList<CompositionMethod> Methods { get; } =
        [CompositionMethod.Merge, CompositionMethod.Switch, CompositionMethod.Composite, CompositionMethod.CmLora];

    /// <summary>The grid for <paramref name="recipe"/>; <paramref name="includeBaseModel"/> adds the no-LoRA image as the first cell.</summary>
    /// <exception cref="ArgumentException">The recipe has no LoRAs.</exception>
    public static IReadOnlyList<AblationEntry> For(GenerationRecipe recipe, bool includeBaseModel = true)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        if (recipe.Loras.Count == 0) throw new ArgumentException("An ablation needs a recipe with at least one LoRA.", nameof(recipe));
        // A recipe that lists LoRAs under None ran without them; its leave-one-out row uses CMLoRA.
        var own = recipe.Method == CompositionMethod.None ? CompositionMethod.CmLora : recipe.Method;
        var entries = new List<AblationEntry>();
        int column = 0;
        if (includeBaseModel)
            entries.Add(new AblationEntry("base", "Base model (no LoRA)", AblationKind.Method, 0, column++, CompositionMethod.None, null,
                false, null, Variant(recipe, CompositionMethod.None, [])));
        foreach (var method in Methods)
        {
            bool original = method == recipe.Method;
            entries.Add(new AblationEntry("method:" + CompositionMethodJsonConverter.Name(method), Infotext.MethodName(method),
                AblationKind.Method, 0, column++, method, null, original, null, Variant(recipe, method, recipe.Loras)));
        }
        for (int i = 0; i < recipe.Loras.Count; i++)
        {
            var left = recipe.Loras.Where((_, j) => j != i).ToList();
            var method = left.Count == 0 ? CompositionMethod.None : own;
            string? duplicate = left.Count == 0 && includeBaseModel ? "base" : null;
            string name = recipe.Loras[i].Name;
            entries.Add(new AblationEntry("without:" + name, "without " + name, AblationKind.LeaveOneOut, 1, i, method, name,
                false, duplicate, Variant(recipe, method, left)));
        }
        return entries;
    }

    // Same model, prompts, sampler, size and seed; the method's own options for the recipe's method, defaults for others.
    private static GenerationRecipe Variant(GenerationRecipe recipe, CompositionMethod method, IReadOnlyList<RecipeLora> loras)
    {
        var options = recipe.Options is not null && recipe.Options.Method == method ? recipe.Options : GenerationRecipe.ExplicitOptions(method, null);
        return recipe with
        {
            Method = method,
            Options = options,
            Loras = loras,
            ScheduleOrder = [],
            Stats = null,
        };
    }
}
