using CMLoRA.Engine.Tensors;
using TorchSharp;
using CMLoRA.Engine.Sampling.Schedules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling.Samplers;

/// <summary>
/// What the Euler samplers share with diffusers' <c>EulerDiscreteScheduler</c>: float timesteps, sigmas interpolated
/// at them (optionally Karras), a final σ = 0, the input scaling and the initial noise scale.
/// </summary>
internal static class EulerSigmas
{
    public static void Validate(SchedulerConfig config)
    {
        if (config.InterpolationType != "linear")
            throw new NotSupportedException($"interpolation_type '{config.InterpolationType}' is not supported: only linear.");
        if (config.TimestepType != "discrete")
            throw new NotSupportedException($"timestep_type '{config.TimestepType}' is not supported: only discrete.");
    }

    public static SamplerPlan Plan(SamplerKind kind, SchedulerConfig config, NoiseSchedule schedule, int steps)
    {
        var spacing = config.TimestepSpacing ?? TimestepSpacing.Linspace;
        double[] timesteps = TimestepSelection.ForDiscrete(spacing, steps, schedule.NumTrainTimesteps, config.StepsOffset, roundLinspace: false);
        double[] sigmas = timesteps.Select(schedule.InterpolateSigma).ToArray();
        if (config.UseKarrasSigmas)
        {
            // Unlike DPM-Solver, Euler spans Karras between its own first and last interpolated sigmas.
            sigmas = KarrasSigmas.Create(config.SigmaMin ?? sigmas[^1], config.SigmaMax ?? sigmas[0], steps);
            timesteps = sigmas.Select(s => KarrasSigmas.SigmaToTimestep(s, schedule.LogSigmas)).ToArray();
        }
        var withFinal = sigmas.Append(0.0).Select(s => (float)s).ToArray();
        float max = withFinal.Max();
        // diffusers: σ_max for linspace/trailing, √(σ_max² + 1) for leading.
        float initNoiseSigma = spacing == TimestepSpacing.Leading ? MathF.Sqrt(max * max + 1f) : max;
        return new SamplerPlan(kind, timesteps, withFinal, initNoiseSigma, IntegerTimesteps: false);
    }

    public static Tensor ScaleInput(Tensor latents, float sigma) => latents.DividedBy(MathF.Sqrt(sigma * sigma + 1f));

    public static Tensor DataPrediction(Tensor modelOutput, Tensor sample, float sigma, PredictionType prediction)
    {
        if (prediction == PredictionType.VPrediction)
        {
            using var a = modelOutput.Times(-sigma / MathF.Sqrt(sigma * sigma + 1f));
            using var b = sample.DividedBy(sigma * sigma + 1f);
            return a.add(b, Scalars.One);
        }
        using var scaled = modelOutput.Times(sigma);
        return sample - scaled;
    }
}
