using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Sampling.Schedules;

namespace CMLoRA.Engine.Tests.Sampling;

/// <summary>Exact timestep tables beyond the 10-step reference runs (numpy half-to-even rounding, float arange).</summary>
public class TimestepTableTests
{
    [Fact]
    public void DpmSolverLinspaceAt220StepsMatchesTheSpecTable()
    {
        var t = TimestepSelection.ForDpmSolver(TimestepSpacing.Linspace, 220, 1000, 1000, 1);
        Assert.Equal(220, t.Length);
        Assert.Equal([999.0, 994, 990, 985, 981], t[..5]);
        Assert.Equal([14.0, 9, 5], t[^3..]);
    }

    [Fact]
    public void DpmSolverLeadingIsMultiplesOfTheRatioPlusOffset()
    {
        var t = TimestepSelection.ForDpmSolver(TimestepSpacing.Leading, 20, 1000, 1000, 1);
        // 1000 // 21 = 47
        Assert.Equal(Enumerable.Range(1, 20).Reverse().Select(i => i * 47.0 + 1), t);
    }

    [Fact]
    public void TrailingWithANonIntegerRatioRoundsHalfToEven()
    {
        Assert.Equal([999.0, 856, 713, 570, 428, 285, 142], TimestepSelection.ForDpmSolver(TimestepSpacing.Trailing, 7, 1000, 1000, 1));
        Assert.Equal([999.0, 856, 713, 570, 428, 285, 142], TimestepSelection.ForDiscrete(TimestepSpacing.Trailing, 7, 1000, 1, roundLinspace: true));
    }

    [Fact]
    public void DdimRoundsLinspaceHalfToEvenWhileEulerKeepsFractions()
    {
        Assert.Equal([999.0, 832, 666, 500, 333, 166, 0], TimestepSelection.ForDiscrete(TimestepSpacing.Linspace, 7, 1000, 1, roundLinspace: true));
        Assert.Equal([999.0, 832.5, 666, 499.5, 333, 166.5, 0], TimestepSelection.ForDiscrete(TimestepSpacing.Linspace, 7, 1000, 1, roundLinspace: false));
    }

    [Fact]
    public void EulerInterpolatesSigmaAtFractionalTimesteps()
    {
        using var sampler = SamplerFactory.Create("euler");
        var plan = sampler.Prepare(7);
        var schedule = NoiseSchedule.FromConfig(SchedulerConfig.StableDiffusion15);
        double expected = ((double)schedule.Sigmas[833] - schedule.Sigmas[832]) * 0.5 + schedule.Sigmas[832];
        Assert.Equal((float)expected, plan.Sigmas![1]);
        Assert.Equal(schedule.Sigmas[999], plan.Sigmas[0]);
        Assert.Equal(0f, plan.Sigmas[^1]);
        Assert.False(plan.IntegerTimesteps);
    }

    [Fact]
    public void StepsOutsideTheTrainingRangeAreRefused()
    {
        using var sampler = SamplerFactory.Create("dpmpp2m");
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Prepare(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Prepare(1001));
    }
}
