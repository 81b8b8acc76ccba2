using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Composition;

public class MergeScheduleTests
{
    [Theory]
    [InlineData(1, "character_1")]
    [InlineData(2, "character_1+background_1")]
    [InlineData(3, "character_1+background_1+clothing_1")]
    [InlineData(4, "character_1+clothing_1+style_1+background_1")]
    [InlineData(5, "character_1+clothing_1+style_1+background_1+object_1")]
    public void EveryStepIsOneEvaluationWithEveryAdapterAtWeightOne(int n, string cacheKey)
    {
        var loras = Loras(n);
        var plans = new MergeSchedule().PlanRun(20, loras);
        foreach (var plan in plans)
        {
            var run = Assert.Single(plan.Runs);
            Assert.Equal(Enumerable.Range(0, n), run.Adapters.Select(a => a.Index));
            Assert.All(run.Adapters, a => Assert.Equal(1.0, a.Weight));
            Assert.Equal(1.0, run.NoiseWeight);
            Assert.Equal(CacheAction.None, run.Cache);
            Assert.Equal(cacheKey, run.CacheKey);
            Assert.False(plan.Batched);
            Assert.Null(plan.DominantLora);
            Assert.Null(plan.Phase);
            Assert.Equal(Enumerable.Range(0, n), plan.TextEncoderAdapters.Select(a => a.Index));
            Assert.Equal(new string('F', n), Flags(plan, n));
        }
    }

    [Fact]
    public void NormalisedMergeAveragesTheAdapters()
    {
        var plan = new MergeSchedule(new MergeOptions { NormalizeWeights = true }).Plan(3, 10, Loras(4));
        Assert.All(plan.Runs[0].Adapters, a => Assert.Equal(0.25, a.Weight));
        Assert.All(plan.TextEncoderAdapters, a => Assert.Equal(1.0, a.Weight));
    }

    [Fact]
    public void CachedMergeRefreshesItsSingleCacheOnTheRefreshSteps()
    {
        var schedule = new MergeSchedule(new MergeOptions { Caching = RefreshSpec.Uniform(3) });
        var flags = schedule.PlanRun(10, Loras(2)).Select(p => Flags(p, 2));
        Assert.Equal(["RR", "--", "--", "RR", "--", "--", "RR", "--", "--", "RR"], flags);
    }

    [Fact]
    public void MaxAgeBoundsASparseMergeCache()
    {
        var schedule = new MergeSchedule(new MergeOptions { Caching = RefreshSpec.Uniform(100), MaxAge = 4 });
        var flags = schedule.PlanRun(10, Loras(1)).Select(p => Flags(p, 1));
        Assert.Equal(["R", "-", "-", "-", "R", "-", "-", "-", "R", "-"], flags);
    }
}
