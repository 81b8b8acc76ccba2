using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling.Samplers;

/// <summary>
/// Euler ancestral as diffusers' <c>EulerAncestralDiscreteScheduler</c> (after k-diffusion's
/// <c>sample_euler_ancestral</c>): each step splits σ_next into σ_up = √(σ_next²(σ² − σ_next²)/σ²) and
/// σ_down = √(σ_next² − σ_up²), takes an Euler step to σ_down and adds σ_up-scaled fresh noise from the seeded
/// generator. <see cref="Eta"/> scales σ_up as in k-diffusion (1 = diffusers; 0 = plain Euler). Timesteps, sigmas
/// and input scaling are Euler's (Karras sigmas, when asked for, are built as <see cref="EulerSampler"/> builds them).
/// </summary>
public sealed class EulerAncestralSampler : SamplerBase
{
    /// <summary>Creates the sampler; <paramref name="eta"/> scales the ancestral noise (k-diffusion's η).</summary>
    public EulerAncestralSampler(SchedulerConfig config, double eta = 1.0) : base(SamplerKind.EulerAncestral, config)
    {
        EulerSigmas.Validate(Config);
        if (eta < 0 || double.IsNaN(eta)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be ≥ 0.");
        Eta = eta;
    }

    /// <summary>Scale of the ancestral noise: 1 reproduces diffusers, 0 reduces to Euler.</summary>
    public double Eta { get; }

    /// <inheritdoc/>
    protected override SamplerPlan CreatePlan(int steps) => EulerSigmas.Plan(Kind, Config, Schedule, steps);

    /// <inheritdoc/>
    public override Tensor ScaleModelInput(Tensor latents, int stepIndex)
    {
        CheckIndex(stepIndex);
        return EulerSigmas.ScaleInput(latents, Plan.Sigmas![stepIndex]);
    }

    /// <summary>(σ_up, σ_down) for a step from <paramref name="sigmaFrom"/> to <paramref name="sigmaTo"/>.</summary>
    public static (float Up, float Down) AncestralStep(float sigmaFrom, float sigmaTo, double eta = 1.0)
    {
        float up = MathF.Sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom));
        if (eta != 1.0) up = MathF.Min(sigmaTo, (float)eta * up);
        float down = MathF.Sqrt(sigmaTo * sigmaTo - up * up);
        return (up, down);
    }

    /// <inheritdoc/>
    protected override Tensor StepFloat32(Tensor modelOutput, int stepIndex, Tensor sample, torch.Generator? rng)
    {
        if (rng is null)
            throw new ArgumentNullException(nameof(rng), "Euler ancestral draws fresh noise every step: pass the seeded generator.");
        var sigmas = Plan.Sigmas!;
        float sigma = sigmas[stepIndex];
        var (up, down) = AncestralStep(sigma, sigmas[stepIndex + 1], Eta);
        var next = EulerSampler.Update(modelOutput, sample, sigma, down, Config.PredictionType);
        using var noise = LatentNoise.Draw(rng, modelOutput.shape, modelOutput.device);
        using var scaledNoise = noise.Times(up);
        next.add_(scaledNoise, Scalars.One);
        return next;
    }
}
