using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling;

/// <summary>
/// A diffusion sampler in the diffusers scheduler shape (<c>set_timesteps</c>, <c>scale_model_input</c>,
/// <c>step</c>): it knows nothing of UNets, LoRAs or guidance; it receives the guided model output of each step
/// and returns the next latents. Multistep state (DPM-Solver's previous x₀) lives inside and is reset by
/// <see cref="Prepare"/>. Tensors passed in are never disposed; returned tensors are new.
/// </summary>
public interface ISampler : IDisposable
{
    /// <summary>Which algorithm this is.</summary>
    SamplerKind Kind { get; }

    /// <summary>The configuration with this sampler class's defaults filled in.</summary>
    SchedulerConfig Config { get; }

    /// <summary>Plans <paramref name="steps"/> steps and resets any multistep state.</summary>
    SamplerPlan Prepare(int steps);

    /// <summary>The current plan; throws until <see cref="Prepare"/> was called.</summary>
    SamplerPlan Plan { get; }

    /// <summary>Scale of the initial unit Gaussian noise for the current plan.</summary>
    float InitNoiseSigma { get; }

    /// <summary>The UNet input for <paramref name="latents"/> at <paramref name="stepIndex"/> (diffusers <c>scale_model_input</c>).</summary>
    Tensor ScaleModelInput(Tensor latents, int stepIndex);

    /// <summary>
    /// One step from <paramref name="latents"/> at <paramref name="stepIndex"/> given the model output (ε or v, after
    /// guidance). <paramref name="rng"/> is the seeded CPU generator; samplers that draw noise require it.
    /// </summary>
    Tensor Step(Tensor modelOutput, int stepIndex, Tensor latents, torch.Generator? rng = null);
}
