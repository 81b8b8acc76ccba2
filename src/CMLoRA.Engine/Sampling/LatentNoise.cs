using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling;

/// <summary>
/// Seeded Gaussian noise drawn the way the reference pipelines draw it: a CPU <c>torch.Generator</c> seeded with
/// <c>manual_seed(seed)</c>, float32 <c>randn</c> on the CPU, then moved to the compute device, so the same seed
/// gives the same latents on every device (CMLoRA spec §1.3).
/// </summary>
public static class LatentNoise
{
    /// <summary>The generator behind every draw: libtorch's CPU Mersenne Twister with its normal sampler.</summary>
    public const string RngSource = "torch-cpu-mt19937";

    /// <summary>A CPU generator seeded like <c>torch.manual_seed(seed)</c> (negative seeds wrap to uint64 as in torch).</summary>
    public static torch.Generator CreateGenerator(long seed) => new(unchecked((ulong)seed), CPU);

    /// <summary>Unit Gaussian noise of <paramref name="shape"/> from a fresh generator seeded with <paramref name="seed"/>.</summary>
    public static Tensor Create(long seed, long[] shape, Device? device = null)
    {
        using var generator = CreateGenerator(seed);
        return Draw(generator, shape, device);
    }

    /// <summary>
    /// The next draw of <paramref name="generator"/> (float32, on the CPU, then moved). Sharing one generator across
    /// images reproduces scripts whose k-th image uses the k-th draw.
    /// </summary>
    public static Tensor Draw(torch.Generator generator, long[] shape, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var noise = randn(shape, ScalarType.Float32, CPU, generator: generator);
        if (device is null || device.type == DeviceType.CPU) return noise;
        using (noise) return noise.to(device);
    }

    /// <summary>The record of where the noise of <paramref name="seed"/> came from.</summary>
    public static NoiseSource Describe(long seed, long[] shape) => new(seed, RngSource, shape);
}
