using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Tests.Sampling;

/// <summary>Karras sigmas for SD 1.5 at 10 steps, pinned to the values of the dpmpp2m_karras reference run.</summary>
public class KarrasSigmasTests
{
    private static readonly float[] Sd15TenStepSigmas =
    [
        14.614645004272461f, 9.102935791015625f, 5.478400707244873f, 3.1686108112335205f, 1.7494229078292847f,
        0.9140763878822327f, 0.44692087173461914f, 0.20139984786510468f, 0.08191104978322983f, 0.029167532920837402f, 0f,
    ];

    [Fact]
    public void DpmSolverKarrasSigmasForSd15AtTenStepsArePinned()
    {
        using var sampler = SamplerFactory.Create("dpmpp2m", SchedulerConfig.StableDiffusion15, karras: true);
        var plan = sampler.Prepare(10);
        for (int i = 0; i < Sd15TenStepSigmas.Length; i++)
            Assert.True(Math.Abs(plan.Sigmas![i] - Sd15TenStepSigmas[i]) <= 1e-6 * Sd15TenStepSigmas[i], $"sigma[{i}] = {plan.Sigmas![i]:R}");
    }

    [Fact]
    public void DpmSolverKarrasTimestepsAreRederivedFromTheSigmas()
    {
        using var sampler = SamplerFactory.Create("dpmpp2m", SchedulerConfig.StableDiffusion15, karras: true);
        var plan = sampler.Prepare(10);
        Assert.Equal([999.0, 916, 815, 687, 523, 327, 146, 41, 7, 0], plan.Timesteps);
    }

    [Fact]
    public void KarrasEndsAreTheTrainingExtremes()
    {
        var sigmas = CMLoRA.Engine.Sampling.Schedules.KarrasSigmas.Create(0.0291675, 14.614642, 5);
        Assert.Equal(14.614642, sigmas[0], 12);
        Assert.Equal(0.0291675, sigmas[^1], 12);
        Assert.All(sigmas.Zip(sigmas.Skip(1)), p => Assert.True(p.First > p.Second));
    }
}
