using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling;

/// <summary>
/// What a sampler decided for a number of steps: the UNet timestep of every step, the noise levels it walks
/// (σ of every step plus the final one; null for DDIM, which steps in ᾱ) and the scale of the initial noise.
/// </summary>
/// <param name="Kind">The sampler.</param>
/// <param name="Timesteps">The UNet timestep per step, descending; integers except Euler's linspace and Karras fractions.</param>
/// <param name="Sigmas">σ per step followed by the final σ (length steps + 1), or null for DDIM.</param>
/// <param name="InitNoiseSigma">Multiplies unit Gaussian noise to make the first latents.</param>
/// <param name="IntegerTimesteps">Whether the reference passes the timesteps as int64 (DPM-Solver, DDIM) or float32.</param>
public sealed record SamplerPlan(
    SamplerKind Kind,
    IReadOnlyList<double> Timesteps,
    IReadOnlyList<float>? Sigmas,
    float InitNoiseSigma,
    bool IntegerTimesteps)
{
    /// <summary>Number of denoising steps (model evaluations).</summary>
    public int Steps => Timesteps.Count;

    /// <summary>The timestep of <paramref name="stepIndex"/> as the 0-d tensor the UNet receives (int64 or float32).</summary>
    public Tensor TimestepTensor(int stepIndex, Device? device = null) => IntegerTimesteps
        ? torch.tensor((long)Timesteps[stepIndex], ScalarType.Int64, device)
        : torch.tensor((float)Timesteps[stepIndex], ScalarType.Float32, device);
}
