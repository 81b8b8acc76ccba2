// Spec 3.4: dominant and non-dominant weights of the CMLoRA composite pipelines, and the (dead in the reference)
// decay of the dominance coefficient (spec 9.1, 9.2).
namespace CMLoRA.Engine.Composition;

/// <summary>
/// CMLoRA's weights for N LoRAs with dominance coefficient κ (the reference's <c>dom_coeff</c>, κ = N − 0.5):
/// w_nondom = N / (κ + N − 1), w_dom = κ·w_nondom. The weights sum to N, so the shares w/N sum to 1.
/// With κ = N − 0.5: w_dom = N(N − 0.5)/(2N − 1.5) and w_nondom = N/(2N − 1.5).
/// </summary>
public static class DominanceWeights
{
    /// <summary>The reference's dominance coefficient κ = N − 0.5.</summary>
    public static double DefaultCoefficient(int loraCount)
    {
        CheckCount(loraCount);
        return loraCount - 0.5;
    }

    /// <summary>
    /// κ after <paramref name="completedTurns"/> hand-overs of dominance with decay on: N − 0.5 − (1 − 0.5^k), never below 1.
    /// </summary>
    public static double DecayedCoefficient(int loraCount, int completedTurns)
    {
        CheckCount(loraCount);
        ArgumentOutOfRangeException.ThrowIfNegative(completedTurns);
        // Deviation from reference: the reference subtracts 0.5^k from dom_coeff after computing the weights and never
        // recomputes them, so the README's decaying w_dom has no effect (spec 3.4, 9.2). Here the decay is applied, and
        // clamped at 1 (equal shares) so that the dominant LoRA never weighs less than a non-dominant one (for N = 2
        // the unclamped series would reach 0.5 and invert dominance).
        double decayed = loraCount - 0.5 - (1 - Math.Pow(0.5, completedTurns));
        return loraCount == 1 ? DefaultCoefficient(1) : Math.Max(1.0, decayed);
    }

    /// <summary>w_dom = κ·N/(κ + N − 1); with the default κ, N(N − 0.5)/(2N − 1.5).</summary>
    public static double Dominant(int loraCount, double? coefficient = null)
    {
        double kappa = coefficient ?? DefaultCoefficient(loraCount);
        return kappa * NonDominant(loraCount, kappa);
    }

    /// <summary>w_nondom = N/(κ + N − 1); with the default κ, N/(2N − 1.5).</summary>
    public static double NonDominant(int loraCount, double? coefficient = null)
    {
        CheckCount(loraCount);
        double kappa = coefficient ?? DefaultCoefficient(loraCount);
        if (!(kappa > 0) || double.IsInfinity(kappa))
            throw new ArgumentOutOfRangeException(nameof(coefficient), kappa, "The dominance coefficient must be a finite positive number.");
        return loraCount / (kappa + loraCount - 1);
    }

    /// <summary>The dominant LoRA's share w_dom/N of the noise combination.</summary>
    public static double DominantShare(int loraCount, double? coefficient = null) => Dominant(loraCount, coefficient) / loraCount;

    /// <summary>Each non-dominant LoRA's share w_nondom/N of the noise combination.</summary>
    public static double NonDominantShare(int loraCount, double? coefficient = null) => NonDominant(loraCount, coefficient) / loraCount;

    private static void CheckCount(int loraCount)
    {
        if (loraCount < 1)
            throw new ArgumentOutOfRangeException(nameof(loraCount), loraCount, "A composition has at least one LoRA.");
    }
}
