using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Recipes;

/// <summary>One cell of an ablation grid: a recipe to queue and where its image goes.</summary>
/// <param name="Key">Stable unique key: "base", "method:merge", …, "without:NAME".</param>
/// <param name="Label">Caption for the grid cell, e.g. "CMLoRA" or "without Alice".</param>
/// <param name="Kind">Which row.</param>
/// <param name="Row">Grid row (0 methods, 1 leave-one-out).</param>
/// <param name="Column">Grid column within the row.</param>
/// <param name="Method">The method the cell runs.</param>
/// <param name="OmittedLora">Leave-one-out: the LoRA left out; null otherwise.</param>
/// <param name="IsOriginal">True for the cell that repeats the recipe itself (its image already exists; no need to queue it).</param>
/// <param name="DuplicateOf">Key of an earlier cell that makes the same image (one LoRA left out of one is the base model), or null.</param>
/// <param name="Recipe">The recipe to run: the original's model, prompts, sampler, size and seed.</param>
public sealed record AblationEntry(
    string Key,
    string Label,
    AblationKind Kind,
    int Row,
    int Column,
    CompositionMethod Method,
    string? OmittedLora,
    bool IsOriginal,
    string? DuplicateOf,
    GenerationRecipe Recipe);
