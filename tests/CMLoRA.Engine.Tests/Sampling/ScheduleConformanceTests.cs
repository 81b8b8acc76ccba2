using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Sampling.Samplers;
using CMLoRA.Engine.Sampling.Schedules;

namespace CMLoRA.Engine.Tests.Sampling;

/// <summary>Timesteps, sigmas, ᾱ and the initial noise scale equal the reference schedulers' for every run.</summary>
public class ScheduleConformanceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(ReferenceRun.All), MemberType = typeof(ReferenceRun))]
    public void TimestepsEqualTheReferenceExactly(string run)
    {
        using var reference = new ReferenceRun(run);
        using var sampler = reference.CreateSampler();
        var plan = sampler.Prepare(reference.Steps);
        Assert.Equal(reference.ReadDoubles("timesteps"), plan.Timesteps);
        for (int k = 0; k < plan.Steps; k++)
            Assert.Equal(reference.ReadDoubles($"step{k:00}_timestep")[0], plan.Timesteps[k]);
    }

    [Theory]
    [MemberData(nameof(ReferenceRun.All), MemberType = typeof(ReferenceRun))]
    public void SigmasEqualTheReferenceToOneMillionth(string run)
    {
        using var reference = new ReferenceRun(run);
        using var sampler = reference.CreateSampler();
        var plan = sampler.Prepare(reference.Steps);
        if (!reference.Has("sigmas"))
        {
            Assert.Null(plan.Sigmas); // DDIM steps in alphas_cumprod and has no sigmas
            return;
        }
        var expected = reference.ReadFloats("sigmas");
        Assert.NotNull(plan.Sigmas);
        Assert.Equal(expected.Length, plan.Sigmas.Count);
        int equal = expected.Where((e, i) => e == plan.Sigmas[i]).Count();
        output.WriteLine($"{run}: {equal}/{expected.Length} sigmas bit-equal");
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-6 * Math.Abs(expected[i]);
            Assert.True(Math.Abs(plan.Sigmas[i] - expected[i]) <= tolerance, $"sigma[{i}] = {plan.Sigmas[i]:R}, reference {expected[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceRun.All), MemberType = typeof(ReferenceRun))]
    public void AlphasCumprodEqualTheReferenceBitForBit(string run)
    {
        using var reference = new ReferenceRun(run);
        var schedule = NoiseSchedule.FromConfig(reference.Config);
        var expected = reference.ReadFloats("alphas_cumprod");
        Assert.Equal(expected, schedule.AlphasCumprod);
    }

    [Theory]
    [MemberData(nameof(ReferenceRun.All), MemberType = typeof(ReferenceRun))]
    public void InitNoiseSigmaEqualsTheReference(string run)
    {
        using var reference = new ReferenceRun(run);
        using var sampler = reference.CreateSampler();
        sampler.Prepare(reference.Steps);
        Assert.Equal(reference.ReadDoubles("init_noise_sigma")[0], sampler.InitNoiseSigma, 1e-6);
    }

    [Fact]
    public void EveryRunUsesTheSamplerItsFileNames()
    {
        var kinds = ReferenceRun.Names.ToDictionary(n => n, n => { using var r = new ReferenceRun(n); return r.Kind; });
        Assert.Equal(SamplerKind.DpmPlusPlus2M, kinds["dpmpp2m_karras"]);
        Assert.Equal(SamplerKind.Ddim, kinds["ddim_leading"]);
        Assert.Equal(SamplerKind.Euler, kinds["euler_leading"]);
        Assert.IsType<DpmSolverMultistepSampler>(SamplerFactory.Create("dpmpp2m"));
    }
}
