namespace CMLoRA.Engine.Lora;

/// <summary>
/// The outcome of resolving a LoRA against a model.
/// </summary>
/// <param name="Modules">Modules that found a layer of a compatible shape.</param>
/// <param name="UnmatchedKeys">Module keys (as stored in the file) that name no layer of the model.</param>
/// <param name="ShapeMismatches">Modules that name a layer whose weight has another shape, as readable sentences.</param>
public sealed record LoraResolution(
    IReadOnlyList<ResolvedModule> Modules,
    IReadOnlyList<string> UnmatchedKeys,
    IReadOnlyList<string> ShapeMismatches)
{
    /// <summary>True when every module of the file resolved.</summary>
    public bool IsComplete => UnmatchedKeys.Count == 0 && ShapeMismatches.Count == 0;

    /// <summary>Throws a <see cref="LoraFormatException"/> (kind UnmatchedKeys) listing what did not resolve.</summary>
    public LoraResolution EnsureComplete(string loraName)
    {
        if (IsComplete) return this;
        var parts = new List<string>();
        if (UnmatchedKeys.Count > 0)
            parts.Add($"{UnmatchedKeys.Count} module(s) match no layer of the model: {LoraFormatException.ListKeys(UnmatchedKeys)}");
        if (ShapeMismatches.Count > 0)
            parts.Add($"{ShapeMismatches.Count} module(s) do not fit their layer: {string.Join("; ", ShapeMismatches.Take(5))}");
        throw new LoraFormatException(LoraErrorKind.UnmatchedKeys, $"LoRA '{loraName}': {string.Join(". ", parts)}",
            [.. UnmatchedKeys, .. ShapeMismatches]);
    }
}
