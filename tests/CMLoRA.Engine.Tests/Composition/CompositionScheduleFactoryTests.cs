using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Composition;

public class CompositionScheduleFactoryTests
{
    [Theory]
    [InlineData(CompositionMethod.None, typeof(NoLoraSchedule))]
    [InlineData(CompositionMethod.Merge, typeof(MergeSchedule))]
    [InlineData(CompositionMethod.Switch, typeof(SwitchSchedule))]
    [InlineData(CompositionMethod.Composite, typeof(CompositeSchedule))]
    [InlineData(CompositionMethod.CmLora, typeof(CmLoraSchedule))]
    public void EachMethodGetsItsSchedule(CompositionMethod method, Type expected)
    {
        var schedule = CompositionScheduleFactory.Create(method);
        Assert.IsType(expected, schedule);
        Assert.Equal(method, schedule.Method);
    }

    [Fact]
    public void OptionsReachTheSchedule()
    {
        var schedule = CompositionScheduleFactory.Create(new SwitchOptions { SwitchStep = 3 });
        Assert.Equal(3, Assert.IsType<SwitchSchedule>(schedule).Options.SwitchStep);
    }

    [Fact]
    public void OptionsOfAnotherMethodAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => CompositionScheduleFactory.Create(CompositionMethod.Merge, new SwitchOptions()));
        Assert.StartsWith("SwitchOptions configures Switch, not Merge.", error.Message);
    }

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var cmLora = new CmLoraOptions();
        Assert.Equal(RefreshSpec.Uniform(2), cmLora.DominantRefresh);
        Assert.Equal(RefreshSpec.Uniform(4), cmLora.NonDominantRefresh);
        Assert.Equal(8, cmLora.MaxAge);
        Assert.Equal(0.55, cmLora.LatePhaseStart);
        Assert.False(cmLora.DecayDominantWeight);
        Assert.True(cmLora.UseCache);
        Assert.True(cmLora.BatchAdapters);
        Assert.Null(cmLora.Ordering.LowFrequencyThreshold);
        Assert.Equal(5, new SwitchOptions().SwitchStep);
        Assert.False(new MergeOptions().NormalizeWeights);
        Assert.Null(new MergeOptions().Caching);
        Assert.Null(new CompositeOptions().Caching);
    }

    [Fact]
    public void BaseModelRunsOneEvaluationWithoutAdapters()
    {
        var plan = CompositionScheduleFactory.Create(CompositionMethod.None).Plan(0, 10, []);
        var run = Assert.Single(plan.Runs);
        Assert.Empty(run.Adapters);
        Assert.Equal(1.0, run.NoiseWeight);
        Assert.Empty(plan.TextEncoderAdapters);
    }

    [Fact]
    public void CachedBaseModelRefreshesOnItsSchedule()
    {
        var schedule = new NoLoraSchedule(new NoLoraOptions { Caching = RefreshSpec.Uniform(3) });
        Assert.Equal("R--R--R", string.Concat(schedule.PlanRun(7, []).Select(p => p.Runs[0].Cache == CacheAction.Refresh ? 'R' : '-')));
    }
}
