using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Composition;

public class CompositeScheduleTests
{
    [Theory]
    [InlineData(1, 1.0, "F", false)]
    [InlineData(2, 0.5, "FF", true)]
    [InlineData(3, 1.0 / 3, "FFF", true)]
    [InlineData(4, 0.25, "FFFF", true)]
    [InlineData(5, 0.2, "FFFFF", true)]
    public void EveryLoraRunsAloneEachStepWithAnEqualShare(int n, double share, string flags, bool batched)
    {
        var loras = Loras(n);
        foreach (var plan in new CompositeSchedule().PlanRun(20, loras))
        {
            Assert.Equal(n, plan.Runs.Count);
            for (int i = 0; i < n; i++)
            {
                var run = plan.Runs[i];
                var adapter = Assert.Single(run.Adapters);
                Assert.Equal(i, adapter.Index);
                Assert.Equal(1.0, adapter.Weight);
                Assert.Equal(share, run.NoiseWeight, 15);
                Assert.Equal(loras[i].Id, run.CacheKey);
            }
            Assert.Equal(1.0, plan.Runs.Sum(r => r.NoiseWeight), 12);
            Assert.Equal(flags, Flags(plan, n));
            Assert.Equal(batched, plan.Batched);
            Assert.Equal(Enumerable.Range(0, n), plan.TextEncoderAdapters.Select(a => a.Index));
            Assert.Null(plan.DominantLora);
        }
    }

    [Fact]
    public void UnbatchedCompositeSaysSo()
    {
        var plan = new CompositeSchedule(new CompositeOptions { BatchAdapters = false }).Plan(0, 5, Loras(3));
        Assert.False(plan.Batched);
    }

    [Fact]
    public void CachedCompositeRefreshesEveryLorasCacheTogether()
    {
        var schedule = new CompositeSchedule(new CompositeOptions { Caching = RefreshSpec.Uniform(3) });
        Assert.Equal(["RRR", "---", "---", "RRR", "---", "---", "RRR", "---", "---", "RRR"],
            schedule.PlanRun(10, Loras(3)).Select(p => Flags(p, 3)));
    }

    [Fact]
    public void PiecewiseCachingFollowsTheTwoThreeTwoSet()
    {
        var schedule = new CompositeSchedule(new CompositeOptions { Caching = RefreshSpec.Piecewise() });
        // Refresh set for 20 steps: {0, 2, 4, 6, 7, 10, 13, 16, 17, 19}.
        Assert.Equal("R-R-R-RR--R--R--RR-R", string.Concat(schedule.PlanRun(20, Loras(1)).Select(p => Flags(p, 1))));
    }
}
