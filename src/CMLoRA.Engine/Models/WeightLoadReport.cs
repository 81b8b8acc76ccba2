namespace CMLoRA.Engine.Models;

/// <summary>The outcome of <see cref="ModuleWeights.LoadFrom"/>: which module keys were filled, missing, or unknown to the module.</summary>
/// <param name="Loaded">module state-dict keys that received a tensor.</param>
/// <param name="Missing">module keys the file did not provide (they keep their initial values).</param>
/// <param name="Unexpected">file keys (after the key map) that name nothing in the module.</param>
public sealed record WeightLoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected)
{
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0;
}
