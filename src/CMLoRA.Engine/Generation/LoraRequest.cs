using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Generation;

/// <summary>One LoRA of a generation: its file, the user's weight λ, and what the composition needs to order it.</summary>
/// <param name="Path">A .safetensors LoRA file.</param>
/// <param name="Weight">The user's multiplier λ (A1111's <c>&lt;lora:name:λ&gt;</c>).</param>
/// <param name="Category">Element category; decides the frequency group when no score is known.</param>
/// <param name="FrequencyScore">The LoRA's <see cref="Profiling.LoraProfile.Score"/> (ΔH against the base model), or null when unprofiled.</param>
/// <param name="Id">A unique name in this generation; defaults to the file name without extension.</param>
public sealed record LoraRequest(string Path, float Weight = 1f, LoraCategory Category = LoraCategory.Other, double? FrequencyScore = null,
    string? Id = null)
{
    public string ResolvedId => Id ?? System.IO.Path.GetFileNameWithoutExtension(Path);
}
