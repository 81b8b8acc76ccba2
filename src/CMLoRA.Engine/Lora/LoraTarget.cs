namespace CMLoRA.Engine.Lora;

/// <summary>
/// A layer of our model that a LoRA may patch: its dotted module path inside the component (e.g.
/// <c>down_blocks.0.attentions.0.proj_in</c>), its kind and its weight shape.
/// </summary>
public sealed record LoraTarget(LoraComponent Component, string ModulePath, ModuleKind Kind, long[] WeightShape)
{
    /// <summary>The normalised key LoRA modules resolve to: module path with '.' → '_'.</summary>
    public LoraTargetKey Key => LoraTargetKey.FromModulePath(Component, ModulePath);

    /// <summary>
    /// Targets from a component's state-dict keys and shapes: every <c>*.weight</c> that is 2-D (Linear) or 4-D (Conv2d).
    /// Embedding tables are 2-D too and are listed as Linear; no LoRA key names them, so they are harmless.
    /// </summary>
    public static IReadOnlyList<LoraTarget> FromStateDict(LoraComponent component, IEnumerable<(string Name, long[] Shape)> weights) =>
        weights.Where(w => w.Name.EndsWith(".weight", StringComparison.Ordinal) && w.Shape.Length is 2 or 4)
            .Select(w => new LoraTarget(component, w.Name[..^".weight".Length], w.Shape.Length == 2 ? ModuleKind.Linear : ModuleKind.Conv2d, w.Shape))
            .ToList();
}
