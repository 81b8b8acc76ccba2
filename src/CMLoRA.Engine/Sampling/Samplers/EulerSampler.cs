using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling.Samplers;

/// <summary>
/// Euler (Karras et al., 2022, Algorithm 2 without churn) as diffusers' <c>EulerDiscreteScheduler</c> steps it:
/// the UNet sees x/√(σ²+1); d = (x − x̂₀)/σ; x ← x + d·(σ_next − σ). Like the reference, each step draws (and, with
/// no churn, discards) one noise tensor from the generator when one is given, so a shared generator advances
/// exactly as in diffusers.
/// </summary>
public sealed class EulerSampler : SamplerBase
{
    /// <summary>Validates the Euler options of <paramref name="config"/>.</summary>
    public EulerSampler(SchedulerConfig config) : base(SamplerKind.Euler, config) => EulerSigmas.Validate(Config);

    /// <inheritdoc/>
    protected override SamplerPlan CreatePlan(int steps) => EulerSigmas.Plan(Kind, Config, Schedule, steps);

    /// <inheritdoc/>
    public override Tensor ScaleModelInput(Tensor latents, int stepIndex)
    {
        CheckIndex(stepIndex);
        return EulerSigmas.ScaleInput(latents, Plan.Sigmas![stepIndex]);
    }

    /// <inheritdoc/>
    protected override Tensor StepFloat32(Tensor modelOutput, int stepIndex, Tensor sample, torch.Generator? rng)
    {
        if (rng is not null) LatentNoise.Draw(rng, modelOutput.shape).Dispose();
        var sigmas = Plan.Sigmas!;
        return Update(modelOutput, sample, sigmas[stepIndex], sigmas[stepIndex + 1], Config.PredictionType);
    }

    /// <summary>One Euler step from σ to σ_next given the model output at σ.</summary>
    public static Tensor Update(Tensor modelOutput, Tensor sample, float sigma, float sigmaNext, PredictionType prediction)
    {
        using var x0 = EulerSigmas.DataPrediction(modelOutput, sample, sigma, prediction);
        using var difference = sample - x0;
        using var derivative = difference.DividedBy(sigma);
        using var change = derivative.Times(sigmaNext - sigma);
        return sample.add(change, Scalars.One);
    }
}
