using CMLoRA.Engine.Tensors;
using TorchSharp;
using CMLoRA.Engine.Sampling.Schedules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling.Samplers;

/// <summary>
/// DDIM (Song et al., "Denoising Diffusion Implicit Models", 2021, eq. 12) as diffusers' <c>DDIMScheduler</c>
/// steps it: the previous timestep is t − T/steps (integer division, whatever the spacing), ᾱ before timestep 0
/// is 1 or ᾱ₀ (<c>set_alpha_to_one</c>), x̂₀ optionally clipped. Deterministic at eta 0; eta &gt; 0 adds
/// σ_t-scaled noise from the seeded generator.
/// </summary>
public sealed class DdimSampler : SamplerBase
{
    /// <summary>Creates the sampler; <paramref name="eta"/> is the η of eq. 16 (0 = deterministic DDIM).</summary>
    public DdimSampler(SchedulerConfig config, double eta = 0.0) : base(SamplerKind.Ddim, config)
    {
        if (Config.UseKarrasSigmas)
            throw new NotSupportedException("use_karras_sigmas is not available for DDIM, which steps in alphas_cumprod.");
        if (eta < 0 || double.IsNaN(eta)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be ≥ 0.");
        Eta = eta;
    }

    /// <summary>η: 0 for deterministic DDIM, 1 for DDPM-like ancestral noise.</summary>
    public double Eta { get; }

    /// <inheritdoc/>
    protected override SamplerPlan CreatePlan(int steps)
    {
        var timesteps = TimestepSelection.ForDiscrete(Spacing, steps, Schedule.NumTrainTimesteps, Config.StepsOffset, roundLinspace: true);
        return new SamplerPlan(Kind, timesteps, Sigmas: null, InitNoiseSigma: 1f, IntegerTimesteps: true);
    }

    /// <inheritdoc/>
    public override Tensor ScaleModelInput(Tensor latents, int stepIndex)
    {
        CheckIndex(stepIndex);
        return latents.alias();
    }

    // (x̂₀, ε̂) from the model output: ε-prediction or v-prediction (v = √ᾱ·ε − √(1−ᾱ)·x₀).
    private (Tensor X0, Tensor Epsilon) Predictions(Tensor modelOutput, Tensor sample, float alphaProd, float betaProd)
    {
        if (Config.PredictionType == PredictionType.VPrediction)
        {
            using var a = sample.Times(MathF.Sqrt(alphaProd));
            using var b = modelOutput.Times(MathF.Sqrt(betaProd));
            using var c = modelOutput.Times(MathF.Sqrt(alphaProd));
            using var d = sample.Times(MathF.Sqrt(betaProd));
            return (a - b, c.add(d, Scalars.One));
        }
        using var scaled = modelOutput.Times(MathF.Sqrt(betaProd));
        using var difference = sample - scaled;
        return (difference.DividedBy(MathF.Sqrt(alphaProd)), modelOutput.alias());
    }

    /// <inheritdoc/>
    protected override Tensor StepFloat32(Tensor modelOutput, int stepIndex, Tensor sample, torch.Generator? rng)
    {
        var plan = Plan;
        var alphasCumprod = Schedule.AlphasCumprod;
        int timestep = (int)plan.Timesteps[stepIndex];
        int previous = timestep - Schedule.NumTrainTimesteps / plan.Steps;
        float alphaProd = alphasCumprod[timestep];
        float alphaProdPrev = previous >= 0 ? alphasCumprod[previous] : Config.SetAlphaToOne == true ? 1f : alphasCumprod[0];
        float betaProd = 1f - alphaProd;

        var (x0, epsilon) = Predictions(modelOutput, sample, alphaProd, betaProd);
        using var ownedX0 = x0;
        using var ownedEpsilon = epsilon;
        if (Config.ClipSample == true)
        {
            using Scalar low = (-Config.ClipSampleRange).ToScalar(), high = Config.ClipSampleRange.ToScalar();
            x0.clamp_(low, high);
        }

        // eq. 16: σ_t(η) = η·√((1−ᾱ_prev)/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_prev)
        float variance = (1f - alphaProdPrev) / betaProd * (1f - alphaProd / alphaProdPrev);
        float stdDev = (float)Eta * MathF.Sqrt(variance);
        using var direction = epsilon.Times(MathF.Sqrt(1f - alphaProdPrev - stdDev * stdDev));
        using var mean = x0.Times(MathF.Sqrt(alphaProdPrev));
        var previousSample = mean.add(direction, Scalars.One);
        if (Eta > 0)
        {
            if (rng is null)
            {
                previousSample.Dispose();
                throw new ArgumentNullException(nameof(rng), "DDIM with eta > 0 draws noise every step: pass the seeded generator.");
            }
            using var noise = LatentNoise.Draw(rng, modelOutput.shape, modelOutput.device);
            using var scaledNoise = noise.Times(stdDev);
            previousSample.add_(scaledNoise, Scalars.One);
        }
        return previousSample;
    }
}
