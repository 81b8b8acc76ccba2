using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>One composition method with N LoRAs in <see cref="LoraBenchmark"/>: what the UNet did and how long an image took.</summary>
/// <param name="Method">Merge, Switch, Composite or CmLora.</param>
/// <param name="Loras">N, the number of LoRAs.</param>
/// <param name="Batched">Whether the per-LoRA evaluations of a step may run as one batched call (Composite, CMLoRA).</param>
/// <param name="FullEvaluations">UNet evaluations (CFG pairs) through the whole network, per image.</param>
/// <param name="CachedEvaluations">Evaluations through the shallow path with a cached deep feature, per image.</param>
/// <param name="UNetCalls">UNet forward calls per image (a batched call of k evaluations counts once).</param>
/// <param name="MergedWeights">True when the adapters were folded into the weights for the whole image.</param>
/// <param name="Seconds">Median wall time of one image: LoRA loading, prompts, sampling, VAE decode, PNG.</param>
/// <param name="UNetSeconds">Median time inside UNet calls (conv_in to conv_out) per image.</param>
public sealed record LoraMethodRow(CompositionMethod Method, int Loras, bool Batched, int FullEvaluations, int CachedEvaluations,
    int UNetCalls, bool MergedWeights, double Seconds, double UNetSeconds)
{
    /// <summary>"cmlora", "composite sequential", …</summary>
    public string Name => Method.ToString().ToLowerInvariant() + (Batched ? "" : " sequential");
}
