using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Composition;

public class CompositionCostTests
{
    [Fact]
    public void CompositeCostsOneFullEvaluationPerLoraPerStep()
    {
        var cost = CompositionCost.Estimate(new CompositeSchedule(), 10, Loras(3), shallowFraction: 0.25);
        Assert.Equal(new CostEstimate(10, 30, 0, 60, 20), cost);
        Assert.Equal(3.0, cost.RelativeToBaseline);
    }

    [Fact]
    public void GuidanceDoublesTheCost()
    {
        var withGuidance = CompositionCost.Estimate(new MergeSchedule(), 10, Loras(5), 0.25);
        var without = CompositionCost.Estimate(new MergeSchedule(), 10, Loras(5), 0.25, classifierFreeGuidance: false);
        Assert.Equal(20, withGuidance.UnetEquivalents);
        Assert.Equal(10, without.UnetEquivalents);
        Assert.Equal(1.0, without.RelativeToBaseline);
    }

    [Fact]
    public void CachedEvaluationsCostTheShallowFraction()
    {
        // The three-LoRA default table of CmLoraScheduleTests: 3+1+3+1+3+1+3+1+3+1 = 20 full evaluations out of 60.
        var cost = CompositionCost.Estimate(new CmLoraSchedule(), 20, Loras(3), shallowFraction: 0.25);
        Assert.Equal(20, cost.FullEvaluations);
        Assert.Equal(40, cost.CachedEvaluations);
        Assert.Equal((20 + 0.25 * 40) * 2, cost.UnetEquivalents);
        Assert.Equal(40, cost.BaselineUnetEquivalents);
        Assert.Equal(1.5, cost.RelativeToBaseline);
    }

    [Fact]
    public void SwitchCostsOneEvaluationPerStep()
    {
        var cost = CompositionCost.Estimate(new SwitchSchedule(), 30, Loras(4), 0.3, classifierFreeGuidance: false);
        Assert.Equal(new CostEstimate(30, 30, 0, 30, 30), cost);
    }

    [Fact]
    public void ShallowFractionOutsideZeroToOneIsRefused()
    {
        var plans = new MergeSchedule().PlanRun(3, Loras(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompositionCost.Estimate(plans, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompositionCost.Estimate(plans, double.NaN));
    }
}
