using System.Text.Json.Serialization;

namespace CMLoRA.Engine.Recipes;

/// <summary>What the image cost when it was made (from <see cref="Generation.GenerationStats"/>); informational, not needed to reproduce it.</summary>
/// <param name="FullEvaluations">UNet evaluations that ran the whole network.</param>
/// <param name="CachedEvaluations">Evaluations that reused a cached deep feature.</param>
/// <param name="UNetCalls">UNet forward calls (a batched multi-adapter call counts once).</param>
/// <param name="MergedWeights">True when the LoRAs were folded into the weights for the whole image.</param>
/// <param name="TextEncodeSeconds">Time to encode both prompts.</param>
/// <param name="DenoiseSeconds">Time of the sampling loop (UNet and sampler steps; the VAE decode is not part of it).</param>
/// <param name="DecodeSeconds">Time of the VAE decode and PNG encoding.</param>
public sealed record RecipeStats(
    int FullEvaluations,
    int CachedEvaluations,
    int UNetCalls,
    bool MergedWeights,
    double TextEncodeSeconds,
    double DenoiseSeconds,
    double DecodeSeconds)
{
    /// <summary>Seconds from prompt to PNG.</summary>
    [JsonIgnore]
    public double TotalSeconds => TextEncodeSeconds + DenoiseSeconds + DecodeSeconds;
}
