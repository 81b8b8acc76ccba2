using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Pipelines;

/// <summary>Every parameter that determined an image, as run: enough to reproduce it.</summary>
/// <param name="Request">The request.</param>
/// <param name="Sampler">The sampler kind that ran.</param>
/// <param name="Scheduler">The scheduler configuration with the sampler's defaults filled in.</param>
/// <param name="Timesteps">The UNet timestep of every step.</param>
/// <param name="Sigmas">The noise levels walked (steps + 1), or null for DDIM.</param>
/// <param name="InitNoiseSigma">Scale applied to the unit initial noise.</param>
/// <param name="Noise">Seed, generator and shape of the initial noise.</param>
public sealed record GenerationParameters(
    TextToImageRequest Request,
    SamplerKind Sampler,
    SchedulerConfig Scheduler,
    IReadOnlyList<double> Timesteps,
    IReadOnlyList<float>? Sigmas,
    float InitNoiseSigma,
    NoiseSource Noise);
