namespace CMLoRA.Engine.Generation;

/// <summary>What a generation cost and how its latents evolved.</summary>
/// <param name="FullEvaluations">UNet evaluations (CFG pairs) that ran the whole network.</param>
/// <param name="CachedEvaluations">Evaluations that reused a cached deep feature (shallow path only).</param>
/// <param name="UNetCalls">UNet forward calls (a batched multi-adapter call counts once).</param>
/// <param name="MergedWeights">True when the adapters were folded into the weights for the whole image.</param>
/// <param name="LatentHighFrequency">The online signal: high-frequency score of the latents after each step (null where the latent is too small).</param>
/// <param name="DominantLora">CMLoRA: the dominant LoRA's id at each step; null for other methods.</param>
/// <param name="TextEncodeSeconds">Time to encode both prompts.</param>
/// <param name="DenoiseSeconds">Time of the sampling loop (UNet and sampler steps; the VAE decode is not part of it).</param>
/// <param name="DecodeSeconds">Time of the VAE decode and PNG encoding.</param>
public sealed record GenerationStats(
    int FullEvaluations,
    int CachedEvaluations,
    int UNetCalls,
    bool MergedWeights,
    IReadOnlyList<double?> LatentHighFrequency,
    IReadOnlyList<string?>? DominantLora,
    double TextEncodeSeconds,
    double DenoiseSeconds,
    double DecodeSeconds);
