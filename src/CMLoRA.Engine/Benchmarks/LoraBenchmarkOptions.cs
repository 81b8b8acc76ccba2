using CMLoRA.Engine.Composition.FeatureCache;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>What <see cref="LoraBenchmark"/> measures.</summary>
public sealed record LoraBenchmarkOptions
{
    /// <summary>The model built in memory with random weights; ignored when <see cref="ModelPath"/> is set.</summary>
    public SyntheticModelConfig Model { get; init; } = SyntheticModelConfig.Small;

    /// <summary>A diffusers folder or single-file checkpoint to load instead of a synthetic model.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Denoising steps per image (equal for every method).</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Image side in pixels; null = the synthetic model's default (the UNet's native size for a loaded model).</summary>
    public int? Size { get; init; }

    /// <summary>N runs from 1 to this.</summary>
    public int MaxLoras { get; init; } = 5;

    /// <summary>Rank of the composed LoRAs.</summary>
    public int Rank { get; init; } = 16;

    /// <summary>Images per configuration; the median is reported. Runs go round-robin over the configurations so slow phases of a shared machine hit all of them.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>
    /// Untimed passes over every configuration first (default 1): each batch shape's first call pays one-off costs
    /// (oneDNN primitive creation, allocator growth) that would otherwise land on whichever configuration runs first.
    /// </summary>
    public int WarmupRuns { get; init; } = 1;

    /// <summary>Seed of the images (the same for every method) and of the LoRAs.</summary>
    public long Seed { get; init; } = 1234;

    /// <summary>Ranks of the unmerged-versus-merged comparison; empty skips it.</summary>
    public IReadOnlyList<int> UnmergedRanks { get; init; } = [4, 16, 32];

    /// <summary>Forwards per variant in the unmerged and shallow-path comparisons (median reported).</summary>
    public int ForwardRuns { get; init; } = 5;

    /// <summary>Where cached evaluations cut the UNet; null = the reference's (0, 1).</summary>
    public FeatureCachePoint? CachePoint { get; init; }

    /// <summary>Also time single adapted layers at SD 1.5's shapes (512², 320 channels), besides the benchmarked model's.</summary>
    public bool AdapterKernelsAtSd15 { get; init; } = true;

    /// <summary>Also time Composite and CMLoRA with one UNet call per LoRA (N ≥ 2).</summary>
    public bool Sequential { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> for values that cannot run.</summary>
    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"steps must be at least 1 (got {Steps})");
        if (MaxLoras < 1) throw new ArgumentException($"max-loras must be at least 1 (got {MaxLoras})");
        if (Rank < 1) throw new ArgumentException($"rank must be at least 1 (got {Rank})");
        if (Runs < 1 || ForwardRuns < 1) throw new ArgumentException("runs must be at least 1");
        if (WarmupRuns < 0) throw new ArgumentException("warm-up runs cannot be negative");
        if (Size is { } s && (s < 8 || s % 8 != 0)) throw new ArgumentException($"size must be a positive multiple of 8 (got {s})");
        if (UnmergedRanks.Any(r => r < 1)) throw new ArgumentException("unmerged ranks must be at least 1");
    }
}
