namespace CMLoRA.Engine.Profiling;

/// <summary>A LoRA to profile.</summary>
/// <param name="Path">The LoRA's .safetensors file.</param>
/// <param name="TriggerWords">
/// Words for the prompt's <c>{trigger}</c>; null or empty uses the file's suggested trigger words
/// (<see cref="Lora.LoraMetadata.SuggestedTriggerWords"/>), or its file name when it suggests none.
/// </param>
/// <param name="Id">A name for progress reports; defaults to the file name without extension.</param>
public sealed record LoraProfileTarget(string Path, IReadOnlyList<string>? TriggerWords = null, string? Id = null)
{
    /// <summary>The id, or the file name without extension.</summary>
    public string ResolvedId => Id ?? System.IO.Path.GetFileNameWithoutExtension(Path);
}
