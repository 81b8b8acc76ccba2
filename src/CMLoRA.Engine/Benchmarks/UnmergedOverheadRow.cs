namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// One LoRA of rank <paramref name="Rank"/> on the UNet: a CFG-pair forward without adapters, with the LoRA merged
/// into the weights, and with it as a runtime (unmerged) adapter. Median seconds per forward.
/// </summary>
/// <param name="Rank">LoRA rank r.</param>
/// <param name="Layers">Adapted UNet layers.</param>
/// <param name="BaseSeconds">No adapter.</param>
/// <param name="MergedSeconds">W + ΔW folded into the weights (<c>LoraAdapterSet.Merge</c>).</param>
/// <param name="UnmergedSeconds">Runtime adapter: W x + B(A x) at every adapted layer.</param>
public sealed record UnmergedOverheadRow(int Rank, int Layers, double BaseSeconds, double MergedSeconds, double UnmergedSeconds)
{
    /// <summary>Unmerged time over merged time, minus 1 (0.05 = 5% slower).</summary>
    public double Overhead => UnmergedSeconds / MergedSeconds - 1;
}
