using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Composition;

/// <summary>
/// Exact CMLoRA schedules with the default options over 20 steps: hand-overs (and dominant refreshes) at even steps,
/// non-dominant refreshes every 4 steps, maximum age 8, late phase from step round(0.55·20) = 11.
/// Rows read phase (E/L), dominant caller index, then per LoRA in caller order R (refresh) or - (reuse).
/// </summary>
public class CmLoraScheduleTests
{
    public static TheoryData<int, string[]> DefaultTables => new()
    {
        // [character]: always dominant, refreshed at every even step.
        { 1, ["E0:R", "E0:-", "E0:R", "E0:-", "E0:R", "E0:-", "E0:R", "E0:-", "E0:R", "E0:-",
              "E0:R", "L0:-", "L0:R", "L0:-", "L0:R", "L0:-", "L0:R", "L0:-", "L0:R", "L0:-"] },
        // [character, background]: the background joins the rotation in the late phase.
        { 2, ["E0:RR", "E0:--", "E0:R-", "E0:--", "E0:RR", "E0:--", "E0:R-", "E0:--", "E0:RR", "E0:--",
              "E0:R-", "L0:--", "L1:RR", "L1:--", "L0:R-", "L0:--", "L1:RR", "L1:--", "L0:R-", "L0:--"] },
        // [character, background, clothing]: frequency order character, clothing, background.
        { 3, ["E0:RRR", "E0:---", "E2:--R", "E2:---", "E0:RRR", "E0:---", "E2:--R", "E2:---", "E0:RRR", "E0:---",
              "E2:--R", "L2:---", "L1:RRR", "L1:---", "L0:R--", "L0:---", "L2:RRR", "L2:---", "L1:-R-", "L1:---"] },
        // [character, clothing, style, background].
        { 4, ["E0:RRRR", "E0:----", "E1:-R--", "E1:----", "E2:RRRR", "E2:----", "E0:R---", "E0:----", "E1:RRRR", "E1:----",
              "E2:--R-", "L2:----", "L3:RRRR", "L3:----", "L0:R---", "L0:----", "L1:RRRR", "L1:----", "L2:--R-", "L2:----"] },
        // [character, clothing, style, background, object]: frequency order character, clothing, style, object, background.
        { 5, ["E0:RRRRR", "E0:-----", "E1:-R---", "E1:-----", "E2:RRRRR", "E2:-----", "E4:----R", "E4:-----", "E0:RRRRR", "E0:-----",
              "E1:-R---", "L1:-----", "L2:RRRRR", "L2:-----", "L4:----R", "L4:-----", "L3:RRRRR", "L3:-----", "L0:R----", "L0:-----"] },
    };

    [Theory]
    [MemberData(nameof(DefaultTables))]
    public void DefaultScheduleMatchesTheHandDerivedTable(int n, string[] expected)
    {
        var plans = new CmLoraSchedule().PlanRun(20, Loras(n));
        Assert.Equal(expected, plans.Select(p => CmLoraRow(p, n)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void DominantLoraGetsTheDominantShareAndOthersTheRest(int n)
    {
        var loras = Loras(n);
        foreach (var plan in new CmLoraSchedule().PlanRun(20, loras))
        {
            Assert.Equal(n, plan.Runs.Count);
            foreach (var run in plan.Runs)
            {
                var adapter = Assert.Single(run.Adapters);
                Assert.Equal(1.0, adapter.Weight);
                Assert.Equal(loras[adapter.Index].Id, run.CacheKey);
                double expected = adapter.Index == plan.DominantLora
                    ? DominanceWeights.DominantShare(n)
                    : DominanceWeights.NonDominantShare(n);
                Assert.Equal(expected, run.NoiseWeight, 15);
            }
            Assert.Equal(1.0, plan.Runs.Sum(r => r.NoiseWeight), 12);
            Assert.Equal(n > 1, plan.Batched);
            Assert.Equal(Enumerable.Range(0, n), plan.TextEncoderAdapters.Select(a => a.Index).Order());
        }
    }

    [Fact]
    public void RunsAreListedInFrequencyOrder()
    {
        var plan = new CmLoraSchedule().Plan(0, 20, Loras(5));
        Assert.Equal(["character_1", "clothing_1", "style_1", "object_1", "background_1"], plan.Runs.Select(r => r.CacheKey));
    }

    [Fact]
    public void MaxAgeForcesRefreshesWhenNonDominantLorasNeverRefresh()
    {
        // [character, clothing, background], non-dominant refresh only at step 0, maximum age 5, late from step 10.
        var options = new CmLoraOptions
        {
            NonDominantRefresh = RefreshSpec.Uniform(100),
            MaxAge = 5,
            LatePhaseStart = 0.5,
        };
        var plans = new CmLoraSchedule(options).PlanRun(20, [Character(), Clothing(), Background()]);
        Assert.Equal(
            ["E0:RRR", "E0:---", "E1:-R-", "E1:---", "E0:R--", "E0:--R", "E1:-R-", "E1:---", "E0:R--", "E0:---",
             "L1:-RR", "L1:---", "L2:--R", "L2:R--", "L0:R--", "L0:-R-", "L1:-R-", "L1:--R", "L2:--R", "L2:R--"],
            plans.Select(p => CmLoraRow(p, 3)));
    }

    [Fact]
    public void WithoutCachingEveryLoraRunsFullyButRotationAndWeightsRemain()
    {
        var plans = new CmLoraSchedule(new CmLoraOptions { UseCache = false }).PlanRun(6, Loras(2));
        // Late from step round(0.55·6) = 3; the hand-over at step 4 gives dominance to the background.
        Assert.Equal(["E0:FF", "E0:FF", "E0:FF", "L0:FF", "L1:FF", "L1:FF"], plans.Select(p => CmLoraRow(p, 2)));
        Assert.Equal(0.6, plans[4].RunFor(1)!.NoiseWeight, 15);
    }

    [Fact]
    public void DecayLowersTheDominantShareAfterEachHandOver()
    {
        var plans = new CmLoraSchedule(new CmLoraOptions { DecayDominantWeight = true }).PlanRun(8, Loras(5));
        double[] coefficients = [4.5, 4.5, 4.0, 4.0, 3.75, 3.75, 3.625, 3.625];
        for (int step = 0; step < 8; step++)
        {
            var dominantRun = plans[step].RunFor(plans[step].DominantLora!.Value)!;
            Assert.Equal(DominanceWeights.DominantShare(5, coefficients[step]), dominantRun.NoiseWeight, 15);
            Assert.Equal(1.0, plans[step].Runs.Sum(r => r.NoiseWeight), 12);
        }
        Assert.Equal(9.0 / 17, plans[0].RunFor(0)!.NoiseWeight, 15);
    }

    [Fact]
    public void DecayIsOffByDefault()
    {
        var plans = new CmLoraSchedule().PlanRun(20, Loras(5));
        Assert.All(plans, p => Assert.Equal(9.0 / 17, p.RunFor(p.DominantLora!.Value)!.NoiseWeight, 15));
    }

    [Fact]
    public void PlanOfOneStepEqualsThatStepOfTheRun()
    {
        var schedule = new CmLoraSchedule();
        var run = schedule.PlanRun(20, Loras(4));
        for (int step = 0; step < 20; step++)
            Assert.Equal(CmLoraRow(run[step], 4), CmLoraRow(schedule.Plan(step, 20, Loras(4)), 4));
    }

    [Fact]
    public void PlanFollowsAChangeOfCompositionOrLength()
    {
        var schedule = new CmLoraSchedule();
        Assert.Equal("E2:--R", CmLoraRow(schedule.Plan(2, 20, Loras(3)), 3));
        Assert.Equal("E1:-R--", CmLoraRow(schedule.Plan(2, 20, Loras(4)), 4));
        Assert.Equal("L3:RRRR", CmLoraRow(schedule.Plan(12, 20, Loras(4)), 4));
        Assert.Equal("E0:RRRR", CmLoraRow(schedule.Plan(12, 40, Loras(4)), 4));
    }

    [Theory]
    [InlineData(220, 0.55, 121)]
    [InlineData(100, 0.55, 55)]
    [InlineData(20, 0.55, 11)]
    [InlineData(50, 0.55, 28)]
    [InlineData(30, 1.0, 30)]
    [InlineData(30, 0.0, 0)]
    public void LatePhaseStartsAtTheRoundedFraction(int steps, double fraction, int expected)
    {
        Assert.Equal(expected, CmLoraSchedule.LatePhaseStartStep(steps, fraction));
    }

    [Fact]
    public void AllLowFrequencyCompositionRotatesOverEveryLora()
    {
        // The reference divides by zero when no LoRA is high-frequency (spec 9.9).
        var plans = new CmLoraSchedule().PlanRun(6, [Background(1), Background(2)]);
        Assert.Equal(["E0:RR", "E0:--", "E1:-R", "L1:--", "L0:RR", "L0:--"], plans.Select(p => CmLoraRow(p, 2)));
    }

    [Fact]
    public void ScoresCanMoveABackgroundIntoTheEarlyRotation()
    {
        var options = new CmLoraOptions { Ordering = new() { LowFrequencyThreshold = 0.5 } };
        LoraSlot[] loras = [Character() with { FrequencyScore = 0.2 }, Background() with { FrequencyScore = 0.9 }];
        var plans = new CmLoraSchedule(options).PlanRun(20, loras);
        Assert.All(plans.Take(11), p => Assert.Equal(1, p.DominantLora));
        Assert.Equal(0, plans[12].DominantLora);
    }

    [Fact]
    public void InvalidOptionsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CmLoraSchedule(new CmLoraOptions { MaxAge = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CmLoraSchedule(new CmLoraOptions { LatePhaseStart = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CmLoraSchedule(new CmLoraOptions { LatePhaseStart = double.NaN }));
    }
}
