using CMLoRA.Engine.Benchmarks;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Engine.Tests.Benchmarks;

/// <summary>The lora benchmark's logic on the tiny model with 2 steps: counts, not timings.</summary>
public class LoraBenchmarkTests
{
    private static readonly Lazy<LoraBenchmarkResult> Result = new(() => new LoraBenchmark(new LoraBenchmarkOptions
    {
        Model = SyntheticModelConfig.Tiny,
        Steps = 2,
        MaxLoras = 2,
        Rank = 4,
        Runs = 1,
        WarmupRuns = 0,
        UnmergedRanks = [4],
        ForwardRuns = 1,
        AdapterKernelsAtSd15 = false,
    }).Run());

    // With 2 steps: Merge and Switch (which switches every 5 steps) never change their adapters and fold them into
    // the weights; Composite with 2 LoRAs runs both each step; CMLoRA refreshes every cache at step 0 and reuses them
    // at step 1 (hand-overs every 2 steps, non-dominant refresh every 4, max age 8). One LoRA makes every plan static.
    [Theory]
    [InlineData(CompositionMethod.Merge, 1, true, 2, 0, 2, true)]
    [InlineData(CompositionMethod.Switch, 1, true, 2, 0, 2, true)]
    [InlineData(CompositionMethod.Composite, 1, true, 2, 0, 2, true)]
    [InlineData(CompositionMethod.CmLora, 1, true, 1, 1, 2, true)]
    [InlineData(CompositionMethod.Merge, 2, true, 2, 0, 2, true)]
    [InlineData(CompositionMethod.Switch, 2, true, 2, 0, 2, true)]
    [InlineData(CompositionMethod.Composite, 2, true, 4, 0, 2, false)]
    [InlineData(CompositionMethod.CmLora, 2, true, 2, 2, 2, false)]
    [InlineData(CompositionMethod.Composite, 2, false, 4, 0, 4, false)]
    [InlineData(CompositionMethod.CmLora, 2, false, 2, 2, 4, false)]
    public void EvaluationCountsAreWhatTheSchedulesImply(CompositionMethod method, int loras, bool batched, int full, int cached, int calls, bool merged)
    {
        var row = Result.Value.Row(method, loras, batched);
        Assert.NotNull(row);
        Assert.Equal((full, cached, calls, merged), (row.FullEvaluations, row.CachedEvaluations, row.UNetCalls, row.MergedWeights));
        Assert.True(row.Seconds > 0 && row.UNetSeconds > 0 && row.UNetSeconds < row.Seconds);
    }

    [Fact]
    public void CountsAgreeWithTheCostEstimateOfEachSchedule()
    {
        var slots = new[] { new LoraSlot("lora1", LoraCategory.Character), new LoraSlot("lora2", LoraCategory.Style) };
        foreach (var row in Result.Value.Methods)
        {
            var schedule = CompositionScheduleFactory.Create(row.Method, null);
            var cost = CompositionCost.Estimate(schedule, 2, slots.Take(row.Loras).ToList(), shallowFraction: 0.5);
            Assert.Equal((cost.FullEvaluations, cost.CachedEvaluations), (row.FullEvaluations, row.CachedEvaluations));
        }
    }

    [Fact]
    public void EveryConfigurationIsMeasuredAndRatiosArePresent()
    {
        var result = Result.Value;
        Assert.Equal(4 + 4 + 2, result.Methods.Count);
        Assert.Equal((64, 2, 4), (result.Size, result.Steps, result.Rank));
        Assert.Equal(new[] { 1, 2 }, result.Ratios.Select(r => r.Loras));
        Assert.Null(result.Ratios[0].CompositeBatchedOverSequential);
        Assert.NotNull(result.Ratios[1].CmLoraBatchedOverSequential);
        // Predicted from the schedules: N = 2 is 2 full + 2 cached against Composite's 4 full.
        double f = result.ShallowPath.PredictionFraction;
        Assert.Equal((2 + 2 * f) / 4, result.Ratios[1].PredictedCmLoraOverComposite!.Value, 9);
        Assert.InRange(result.ShallowPath.FlopFraction, 0.05, 0.9);
    }

    // A single cached forward timed during a load spike can take longer than the full one; the prediction must
    // neither fail on that (CompositionCost refuses fractions outside [0, 1]) nor use it as a cost above a full forward.
    [Theory]
    [InlineData(2.0, 1.0, 0.5)]
    [InlineData(1.0, 1.5, 1.0)]
    [InlineData(0.0, 0.0, 0.25)]
    [InlineData(0.0, 1.0, 0.25)]
    public void PredictionFractionIsTheTimedFractionBoundedToOneOrTheFlopFractionWithoutATiming(double full, double cached, double expected)
    {
        var cost = new ShallowPathCost(full, cached, FullGflop: 4, CachedGflop: 1);
        Assert.Equal(expected, cost.PredictionFraction);
        var slots = new[] { new LoraSlot("lora1", LoraCategory.Character), new LoraSlot("lora2", LoraCategory.Style) };
        var estimate = CompositionCost.Estimate(new CmLoraSchedule(), 2, slots, cost.PredictionFraction);
        Assert.Equal((2 + 2 * expected) * 2, estimate.UnetEquivalents);
    }

    [Fact]
    public void SyntheticLorasAdaptTheSameLayersAsTheFixtureLora()
    {
        // The fixture's kohya LoRA adapts 132 UNet modules of the tiny model: every transformer linear and proj_in/out.
        var row = Assert.Single(Result.Value.Unmerged);
        Assert.Equal((4, 132), (row.Rank, row.Layers));
        Assert.True(row.BaseSeconds > 0 && row.MergedSeconds > 0 && row.UnmergedSeconds > 0);
        Assert.Equal(3, Result.Value.AdapterKernels.Count);
        Assert.Equal("(0, 1)", Result.Value.CachePoint);
    }
}
