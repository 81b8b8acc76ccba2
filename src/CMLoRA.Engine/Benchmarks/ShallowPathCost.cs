namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// Cost of a cached (shallow-path) UNet evaluation relative to a full one, measured on a CFG pair: the
/// <c>shallowFraction</c> that <see cref="Composition.CompositionCost.Estimate(System.Collections.Generic.IReadOnlyList{Composition.StepPlan}, double, bool)"/> needs.
/// </summary>
/// <param name="FullSeconds">Median full forward.</param>
/// <param name="CachedSeconds">Median shallow forward with a recorded deep feature.</param>
/// <param name="FullGflop">FLOPs of the full forward.</param>
/// <param name="CachedGflop">FLOPs of the shallow forward.</param>
public sealed record ShallowPathCost(double FullSeconds, double CachedSeconds, double FullGflop, double CachedGflop)
{
    /// <summary>Cached time over full time, as measured (above 1 when a load spike hit the cached forwards).</summary>
    public double Fraction => CachedSeconds / FullSeconds;

    /// <summary>
    /// The fraction cost predictions use: <see cref="Fraction"/> bounded to [0, 1], or <see cref="FlopFraction"/> when
    /// the timing gave no finite value. The shallow path runs a subset of the full forward's layers, so a measured
    /// fraction above 1 is noise from a shared machine (one slow run decides the median of few), not a cost.
    /// </summary>
    public double PredictionFraction => double.IsFinite(Fraction) ? Math.Clamp(Fraction, 0, 1) : FlopFraction;

    /// <summary>Cached FLOPs over full FLOPs (the fraction a perfectly efficient engine would see).</summary>
    public double FlopFraction => CachedGflop / FullGflop;
}
