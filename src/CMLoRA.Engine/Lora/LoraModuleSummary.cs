namespace CMLoRA.Engine.Lora;

/// <summary>One module of an inspected LoRA, without tensors.</summary>
/// <param name="Key">The module key as stored in the file.</param>
/// <param name="Component">UNet or text encoder.</param>
/// <param name="Target">The normalised target name (module path with '.' → '_').</param>
/// <param name="Algorithm">LoRA, LoHa or LoKr.</param>
/// <param name="Kind">Linear or Conv2d as the stored factors imply.</param>
/// <param name="Rank">The rank; 0 for a full-matrix LoKr.</param>
/// <param name="StoredAlpha">The alpha in the file, or null.</param>
/// <param name="Alpha">The alpha in effect.</param>
/// <param name="Scale">The factor on the raw product (alpha / rank).</param>
/// <param name="Dora">Whether the module carries a DoRA magnitude.</param>
/// <param name="Shape">The shape the factors multiply out to.</param>
public sealed record LoraModuleSummary(
    string Key, LoraComponent Component, string Target, LoraAlgorithm Algorithm, ModuleKind Kind,
    int Rank, double? StoredAlpha, double Alpha, double Scale, bool Dora, long[] Shape)
{
    internal static LoraModuleSummary From(LoraModuleWeights m) =>
        new(m.SourceKey, m.Component, m.Target.Name, m.Algorithm, m.Kind, m.Rank, m.StoredAlpha, m.Alpha, m.Scale, m.IsDora, m.DeltaShape);
}
