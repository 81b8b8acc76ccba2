namespace CMLoRA.Engine.Benchmarks;

/// <summary>The ratios <see cref="LoraBenchmark"/> reports for N LoRAs (wall time per image unless named otherwise).</summary>
/// <param name="Loras">N.</param>
/// <param name="CmLoraOverComposite">CMLoRA over Composite (both batched); the target is ≤ 0.5 at N = 3.</param>
/// <param name="CmLoraOverCompositeUNet">The same ratio of the time inside UNet calls.</param>
/// <param name="PredictedCmLoraOverComposite">What <c>CompositionCost</c> predicts from the schedules and the measured shallow fraction.</param>
/// <param name="CompositeBatchedOverSequential">Composite batched over one call per LoRA; null for N = 1.</param>
/// <param name="CmLoraBatchedOverSequential">CMLoRA batched over sequential; null for N = 1.</param>
public sealed record LoraRatioRow(int Loras, double? CmLoraOverComposite, double? CmLoraOverCompositeUNet, double? PredictedCmLoraOverComposite,
    double? CompositeBatchedOverSequential, double? CmLoraBatchedOverSequential);
