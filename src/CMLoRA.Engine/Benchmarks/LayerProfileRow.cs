namespace CMLoRA.Engine.Benchmarks;

/// <summary>One kind of layer in a profiled forward: its calls, exclusive wall time and counted FLOPs.</summary>
/// <param name="Category">What the layers are, e.g. "conv 3×3 @64×64" or "attention core self 4096×4096".</param>
/// <param name="Calls">Forward calls of layers of this kind.</param>
/// <param name="Seconds">Wall time inside those layers, minus the time of the profiled layers nested in them.</param>
/// <param name="Gflop">FLOPs by <see cref="FlopCounter"/>'s rules (0 for norms and for the unprofiled rest).</param>
public sealed record LayerProfileRow(string Category, int Calls, double Seconds, double Gflop)
{
    /// <summary>Achieved rate; null when no FLOPs are counted for the category.</summary>
    public double? Gflops => Gflop > 0 && Seconds > 0 ? Gflop / Seconds : null;
}
