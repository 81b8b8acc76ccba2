namespace CMLoRA.Engine.Benchmarks;

/// <summary>One measured line of a benchmark: what ran, how long (median), how much work, and the rate relative to the ceiling.</summary>
/// <param name="Name">What ran, with its shape.</param>
/// <param name="Seconds">Median seconds of one call.</param>
/// <param name="Gflop">Work of one call, counted by <see cref="FlopCounter"/> (or exactly, for kernels); 0 when not counted.</param>
/// <param name="CeilingGflops">The 2048³ matmul rate measured interleaved with this row's timed calls (median).</param>
/// <param name="FormulaGflop">The work derived from the config by <see cref="FlopFormula"/>, for model rows.</param>
public sealed record BenchmarkRow(string Name, double Seconds, double Gflop, double? CeilingGflops, double? FormulaGflop = null)
{
    /// <summary>Achieved GFLOP/s; null when no work is counted.</summary>
    public double? Gflops => Gflop > 0 ? Gflop / Seconds : null;

    /// <summary>Achieved rate over the ceiling; null without both.</summary>
    public double? FractionOfCeiling => Gflops is { } g && CeilingGflops is { } c && c > 0 ? g / c : null;
}
