using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Devices;

namespace CMLoRA.Engine.Generation;

/// <summary>How the engine runs: device, CPU threads, VAE override, feature-cache point and memory bound.</summary>
/// <param name="Device">The compute device (see <see cref="ComputeDevice.Select"/>).</param>
/// <param name="Threads">libtorch intra-op threads on the CPU; null leaves libtorch's default (one per core).</param>
/// <param name="VaeOverridePath">A VAE that replaces the checkpoint's.</param>
/// <param name="CachePoint">Where per-LoRA deep features are cut; null = the reference's (0, 1).</param>
/// <param name="CacheBytes">Upper bound of the feature caches of one image.</param>
public sealed record GeneratorSettings(
    ComputeDevice Device,
    int? Threads = null,
    string? VaeOverridePath = null,
    FeatureCachePoint? CachePoint = null,
    long CacheBytes = 2L * 1024 * 1024 * 1024)
{
    public static GeneratorSettings Cpu { get; } = new(ComputeDevice.Cpu);
}
