using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Composition;

public class SwitchScheduleTests
{
    [Theory]
    // Active LoRA (caller index) at steps 0..29 with the default switch step of 5.
    [InlineData(1, "000000000000000000000000000000")]
    [InlineData(2, "000001111100000111110000011111")]
    [InlineData(3, "000001111122222000001111122222")]
    [InlineData(4, "000001111122222333330000011111")]
    [InlineData(5, "000001111122222333334444400000")]
    public void SwitchRotatesEveryFiveSteps(int n, string expected)
    {
        var loras = Loras(n);
        var plans = new SwitchSchedule().PlanRun(30, loras);
        Assert.Equal(expected, string.Concat(plans.Select(p => Assert.Single(Assert.Single(p.Runs).Adapters).Index)));
        foreach (var plan in plans)
        {
            var run = Assert.Single(plan.Runs);
            Assert.Equal(1.0, run.NoiseWeight);
            Assert.Equal(1.0, run.Adapters[0].Weight);
            Assert.Equal(CacheAction.None, run.Cache);
            Assert.Equal(run.Adapters[0].LoraId, run.CacheKey);
            Assert.False(plan.Batched);
            Assert.Equal(0, Assert.Single(plan.TextEncoderAdapters).Index);
        }
    }

    [Fact]
    public void EveryLoraGetsExactlyTheSwitchStepWhereTheReferenceGivesTheFirstOneExtra()
    {
        // Spec 2.2: the reference's k(i) = 0 for i = 0, ((i − 1) div s) mod N otherwise.
        static int Reference(int i, int n, int s) => i == 0 ? 0 : (i - 1) / s % n;

        int[] Counts(Func<int, int> active, int steps, int n) =>
            Enumerable.Range(0, n).Select(k => Enumerable.Range(0, steps).Count(i => active(i) == k)).ToArray();

        // The reference's published counts (spec 2.2 and Appendix A) ...
        Assert.Equal([101, 99], Counts(i => Reference(i, 2, 5), 200, 2));
        Assert.Equal([111, 109], Counts(i => Reference(i, 2, 5), 220, 2));
        Assert.Equal([46, 45, 45, 44, 40], Counts(i => Reference(i, 5, 5), 220, 5));
        // ... and ours, with every segment exactly 5 steps long.
        Assert.Equal([100, 100], Counts(i => SwitchSchedule.ActiveIndex(i, 2, 5), 200, 2));
        Assert.Equal([110, 110], Counts(i => SwitchSchedule.ActiveIndex(i, 2, 5), 220, 2));
        Assert.Equal([45, 45, 45, 45, 40], Counts(i => SwitchSchedule.ActiveIndex(i, 5, 5), 220, 5));
        Assert.Equal(0, SwitchSchedule.ActiveIndex(4, 2, 5));
        Assert.Equal(1, SwitchSchedule.ActiveIndex(5, 2, 5)); // the reference still runs LoRA 0 at step 5
    }

    [Fact]
    public void CustomSwitchStepIsHonoured()
    {
        var plans = new SwitchSchedule(new SwitchOptions { SwitchStep = 2 }).PlanRun(9, Loras(3));
        Assert.Equal("001122001", string.Concat(plans.Select(p => p.Runs[0].Adapters[0].Index)));
    }

    [Fact]
    public void CachedSwitchRefreshesOnRefreshStepsAndAtEverySwitch()
    {
        var schedule = new SwitchSchedule(new SwitchOptions { Caching = RefreshSpec.Uniform(3) });
        var flags = schedule.PlanRun(15, Loras(2)).Select(p => Flags(p, 2));
        // Refresh steps {0, 3, 6, 9, 12} plus switches at 5 and 10; '.' marks the inactive LoRA.
        Assert.Equal(["R.", "-.", "-.", "R.", "-.", ".R", ".R", ".-", ".-", ".R", "R.", "-.", "R.", "-.", "-."], flags);
    }

    [Fact]
    public void SingleLoraSwitchDoesNotRefreshAtSegmentBoundaries()
    {
        var schedule = new SwitchSchedule(new SwitchOptions { Caching = RefreshSpec.Uniform(4) });
        Assert.Equal("R---R---R-", string.Concat(schedule.PlanRun(10, Loras(1)).Select(p => Flags(p, 1))));
    }

    [Fact]
    public void SwitchStepBelowOneIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SwitchSchedule(new SwitchOptions { SwitchStep = 0 }));
    }
}
