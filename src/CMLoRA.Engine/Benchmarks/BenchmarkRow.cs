namespace CMLoRA.Engine.Benchmarks;

/// <summary>One measured line of a benchmark: what ran, how long (median), how much work, and the rate relative to the ceiling.</summary>
public sealed record BenchmarkRow(string Name, double Seconds, double Gflop, double? CeilingGflops)
{
    public double Gflops => Gflop / Seconds;

    public double? FractionOfCeiling => CeilingGflops is { } c && c > 0 ? Gflops / c : null;
}
