using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// What one image will cost before it is queued: exact UNet evaluation counts from the method's plan, and, given a
/// <see cref="SpeedCalibration"/>, the cost in full single-sample UNet passes and the expected seconds.
/// </summary>
/// <param name="Method">The method that will run (None when there are no LoRAs).</param>
/// <param name="LoraCount">LoRAs composed.</param>
/// <param name="Steps">Denoising steps.</param>
/// <param name="FullEvaluations">UNet evaluations that run the whole network, summed over steps (each is a CFG pair under guidance).</param>
/// <param name="CachedEvaluations">Evaluations that take the shallow path with a cached deep feature.</param>
/// <param name="ClassifierFreeGuidance">True when each evaluation carries the unconditional and conditional halves (CFG &gt; 1).</param>
/// <param name="UnetEquivalents">Cost in full single-sample UNet passes (cached ones at the calibrated shallow fraction); null without calibration.</param>
/// <param name="RelativeToBaseline">Cost relative to the base model without LoRAs or caching; null without calibration.</param>
/// <param name="ExpectedSeconds">Expected seconds from prompt to PNG at the requested size; null without calibration.</param>
public sealed record GenerationCostEstimate(
    CompositionMethod Method,
    int LoraCount,
    int Steps,
    int FullEvaluations,
    int CachedEvaluations,
    bool ClassifierFreeGuidance,
    double? UnetEquivalents,
    double? RelativeToBaseline,
    double? ExpectedSeconds)
{
    /// <summary>All UNet evaluations, full and cached.</summary>
    public int UNetEvaluations => FullEvaluations + CachedEvaluations;
}
