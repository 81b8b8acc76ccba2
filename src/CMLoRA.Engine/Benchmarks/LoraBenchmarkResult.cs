using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>Everything <see cref="LoraBenchmark"/> measured, with the ratios derived from it.</summary>
/// <param name="Model">The model's name (synthetic config or path).</param>
/// <param name="Size">Image side in pixels.</param>
/// <param name="Steps">Denoising steps per image.</param>
/// <param name="Rank">Rank of the composed LoRAs.</param>
/// <param name="Runs">Images per configuration.</param>
/// <param name="Methods">One row per method, N and batching.</param>
/// <param name="Ratios">One row per N.</param>
/// <param name="ShallowPath">The cached-evaluation cost.</param>
/// <param name="CachePoint">Where cached evaluations cut the UNet, "(block, layer)".</param>
/// <param name="Unmerged">One row per rank of the unmerged-adapter comparison.</param>
/// <param name="AdapterKernels">Single adapted layers, current against fused adapter arithmetic.</param>
/// <param name="Before">The machine when the benchmark started.</param>
/// <param name="After">The machine when it ended.</param>
public sealed record LoraBenchmarkResult(string Model, int Size, int Steps, int Rank, int Runs, IReadOnlyList<LoraMethodRow> Methods,
    IReadOnlyList<LoraRatioRow> Ratios, ShallowPathCost ShallowPath, string CachePoint, IReadOnlyList<UnmergedOverheadRow> Unmerged,
    IReadOnlyList<AdapterKernelRow> AdapterKernels, MachineSnapshot Before, MachineSnapshot After)
{
    /// <summary>The row of <paramref name="method"/> with <paramref name="loras"/> LoRAs, or null when not measured.</summary>
    public LoraMethodRow? Row(CompositionMethod method, int loras, bool batched = true) =>
        Methods.FirstOrDefault(r => r.Method == method && r.Loras == loras && r.Batched == batched);
}
