using CMLoRA.Engine.Sampling;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Sampling;

public class SamplerBehaviourTests
{
    [Fact]
    public void DpmSolverRefusesStepsOutOfOrderUntilPreparedAgain()
    {
        using var sampler = SamplerFactory.Create("dpmpp2m");
        sampler.Prepare(5);
        using var x = ones(1, 4, 8, 8);
        using var eps = zeros(1, 4, 8, 8);
        using var first = sampler.Step(eps, 0, x);
        var error = Assert.Throws<InvalidOperationException>(() => sampler.Step(eps, 2, x));
        Assert.Equal("DPM-Solver++ is multistep: expected step 1, got 2. Call Prepare to start again.", error.Message);
        sampler.Prepare(5);
        using var again = sampler.Step(eps, 0, x);
        Assert.Equal(first.data<float>().ToArray(), again.data<float>().ToArray());
    }

    [Fact]
    public void SamplingBeforePrepareIsRefused()
    {
        using var sampler = SamplerFactory.Create("euler");
        using var x = zeros(1, 4, 8, 8);
        var error = Assert.Throws<InvalidOperationException>(() => sampler.ScaleModelInput(x, 0));
        Assert.Equal("EulerSampler: call Prepare(steps) before sampling.", error.Message);
    }

    [Theory]
    [InlineData("dpmpp2m_linspace")]
    [InlineData("ddim_leading")]
    [InlineData("euler_leading")]
    public void VPredictionOfTheSameDenoiserGivesTheSameSteps(string run)
    {
        // v = α·ε − σ_t·x̂₀ on the VP scale (α = 1/√(σ²+1), σ_t = σα); a v-model that agrees with an ε-model on
        // x̂₀ must produce the same latents. Checked over three steps of the reference run (rel ≤ 1e-5).
        using var reference = new ReferenceRun(run);
        using var epsSampler = reference.CreateSampler();
        using var vSampler = SamplerFactory.Create(reference.Kind, reference.Config with { PredictionType = PredictionType.VPrediction });
        var plan = epsSampler.Prepare(reference.Steps);
        vSampler.Prepare(reference.Steps);
        using var init = reference.Read("init_noise");
        var latents = init * plan.InitNoiseSigma;
        var schedule = CMLoRA.Engine.Sampling.Schedules.NoiseSchedule.FromConfig(reference.Config);
        for (int k = 0; k < 3; k++)
        {
            using var eps = reference.Step(k, "noise_pred_cfg");
            float sigma = plan.Sigmas?[k] ?? schedule.Sigmas[(int)plan.Timesteps[k]];
            float alpha = 1f / MathF.Sqrt(sigma * sigma + 1f), sigmaT = sigma * alpha;
            // x̂₀ from ε on each sampler's own latent scale: DPM/DDIM latents are VP, Euler's are VE (x = x_vp/α).
            using var x0 = plan.Sigmas is null || reference.Kind == SamplerKind.DpmPlusPlus2M
                ? (latents - eps * sigmaT) / alpha
                : latents - eps * sigma;
            using var v = eps * alpha - x0 * sigmaT;
            using var fromEps = epsSampler.Step(eps, k, latents);
            using var fromV = vSampler.Step(v, k, latents);
            double error = ReferenceRun.RelativeError(fromV, fromEps);
            Assert.True(error <= 1e-5, $"step {k}: relative error {error:E3}");
            latents.Dispose();
            latents = fromEps.clone();
        }
        latents.Dispose();
    }

    [Fact]
    public void DdimWithEtaDrawsSeededNoiseAndNeedsTheGenerator()
    {
        float[] Step(double eta, long seed)
        {
            using var sampler = new CMLoRA.Engine.Sampling.Samplers.DdimSampler(SchedulerConfig.StableDiffusion15, eta);
            sampler.Prepare(5);
            using var rng = LatentNoise.CreateGenerator(seed);
            using var x = LatentNoise.Create(1, [1, 4, 8, 8]);
            using var eps = x * 0.5f;
            using var next = sampler.Step(eps, 1, x, rng);
            return next.data<float>().ToArray();
        }
        Assert.Equal(Step(1.0, 3), Step(1.0, 3));
        Assert.NotEqual(Step(1.0, 3), Step(1.0, 4));
        Assert.Equal(Step(0.0, 3), Step(0.0, 4)); // eta 0 is deterministic DDIM
        using var sampler = new CMLoRA.Engine.Sampling.Samplers.DdimSampler(SchedulerConfig.StableDiffusion15, eta: 1.0);
        sampler.Prepare(5);
        using var x = zeros(1, 4, 8, 8);
        Assert.Throws<ArgumentNullException>(() => sampler.Step(x, 0, x));
    }

    [Fact]
    public void HalfPrecisionLatentsAreSteppedInFloat32AndReturnedInTheirType()
    {
        using var sampler = SamplerFactory.Create("euler");
        sampler.Prepare(4);
        using var x = randn(1, 4, 8, 8).to_type(ScalarType.BFloat16);
        using var eps = zeros(1, 4, 8, 8, ScalarType.BFloat16);
        using var next = sampler.Step(eps, 0, x);
        Assert.Equal(ScalarType.BFloat16, next.dtype);
    }
}
