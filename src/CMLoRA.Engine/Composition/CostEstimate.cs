namespace CMLoRA.Engine.Composition;

/// <summary>Compute cost of a planned run, in UNet evaluations and in full-UNet equivalents.</summary>
/// <param name="Steps">Number of denoising steps.</param>
/// <param name="FullEvaluations">UNet evaluations that run the whole UNet (cache action None or Refresh), summed over steps.</param>
/// <param name="CachedEvaluations">UNet evaluations that take the shallow path with a cached feature (Reuse).</param>
/// <param name="UnetEquivalents">
/// Cost in single-sample full UNet passes: (full + shallowFraction·cached) × (2 under classifier-free guidance, else 1).
/// </param>
/// <param name="BaselineUnetEquivalents">Cost of the base model without LoRAs or caching: steps × (2 or 1).</param>
public sealed record CostEstimate(int Steps, int FullEvaluations, int CachedEvaluations, double UnetEquivalents, double BaselineUnetEquivalents)
{
    /// <summary>Cost relative to the base model: <see cref="UnetEquivalents"/> / <see cref="BaselineUnetEquivalents"/>.</summary>
    public double RelativeToBaseline => UnetEquivalents / BaselineUnetEquivalents;
}
