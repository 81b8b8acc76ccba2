namespace CMLoRA.Engine.Benchmarks;

/// <summary>What <see cref="EngineBenchmark.RunAll"/> measures.</summary>
public sealed record EngineBenchmarkOptions
{
    /// <summary>Timed calls per row after the warm-up (which also counts the FLOPs); the median is reported.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Image sides in pixels for the SD 1.5 UNet and VAE rows.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [256, 512];

    /// <summary>Include the single-operation rows (<see cref="KernelBenchmarks"/>).</summary>
    public bool Kernels { get; init; } = true;

    /// <summary>Include the SD 1.5 rows (3.4 GB of UNet weights; minutes on a small CPU).</summary>
    public bool StableDiffusion15 { get; init; } = true;

    /// <summary>Also split one SD 1.5 UNet forward at the largest size by layer (<see cref="LayerProfiler"/>).</summary>
    public bool Profile { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for values that cannot run.</summary>
    public void Validate()
    {
        if (Runs < 1) throw new ArgumentException($"runs must be at least 1 (got {Runs})");
        foreach (int size in Sizes)
            if (size < 64 || size % 64 != 0)
                throw new ArgumentException($"sizes must be positive multiples of 64 (got {size})");
    }
}
