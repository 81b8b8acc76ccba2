namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>A CMLoRA row as the report lists it.</summary>
/// <param name="Label">The row's label (cmlora, cmlora-B-L or cmlora:NAME).</param>
/// <param name="Definition">Every setting of the row (<see cref="CmLoraVariant.Definition"/>).</param>
public sealed record QualityVariantInfo(string Label, string Definition);
