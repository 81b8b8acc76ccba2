using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Profiling;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Composition;

/// <summary>Invariants of CMLoRA checked over thousands of configurations.</summary>
public class CmLoraPropertyTests
{
    private static readonly RefreshSpec[] DominantSpecs =
        [RefreshSpec.Uniform(1), RefreshSpec.Uniform(2), RefreshSpec.Uniform(3), RefreshSpec.Piecewise(), RefreshSpec.Quadratic(3, 0.5)];

    private static readonly RefreshSpec[] NonDominantSpecs =
        [RefreshSpec.Uniform(4), RefreshSpec.Uniform(10), RefreshSpec.Quadratic(5, 0.3), RefreshSpec.Uniform(1000)];

    private static readonly int[] StepCounts = [1, 2, 7, 20, 61];

    private static readonly IReadOnlyList<LoraSlot>[] Compositions =
    [
        Loras(1), Loras(2), Loras(3), Loras(4), Loras(5),
        [Background(1), Background(2), Character()],
        [Background(1)],
        [Object(), Style(), Clothing(), Character(2), Character(3)],
    ];

    private static IEnumerable<(CmLoraOptions Options, int Steps, IReadOnlyList<LoraSlot> Loras)> Configurations(
        int[] stepCounts, int[] maxAges)
    {
        foreach (int steps in stepCounts)
        foreach (var dominant in DominantSpecs)
        foreach (var nonDominant in NonDominantSpecs)
        {
            if (!Resolves(dominant, steps) || !Resolves(nonDominant, steps)) continue;
            foreach (int maxAge in maxAges)
            foreach (double late in new[] { 0.0, 0.55, 1.0 })
            foreach (var loras in Compositions)
                yield return (new CmLoraOptions
                {
                    DominantRefresh = dominant,
                    NonDominantRefresh = nonDominant,
                    MaxAge = maxAge,
                    LatePhaseStart = late,
                }, steps, loras);
        }
    }

    private static bool Resolves(RefreshSpec spec, int steps)
    {
        try { spec.Steps(steps); return true; }
        catch (ArgumentException) { return false; } // quadratic sets that cannot fit so few steps
    }

    [Fact]
    public void NoCacheIsEverReadAtMaxAgeOrOlder()
    {
        int configurations = 0;
        foreach (var (options, steps, loras) in Configurations(StepCounts, [1, 3, 8]))
        {
            configurations++;
            var ages = Ages(new CmLoraSchedule(options).PlanRun(steps, loras), loras.Count);
            for (int step = 0; step < steps; step++)
                for (int i = 0; i < loras.Count; i++)
                    if (ages[step][i] >= options.MaxAge)
                        Assert.Fail($"LoRA {i} read a cache {ages[step][i]} steps old at step {step} of {steps} (max age {options.MaxAge}, " +
                        $"dominant {options.DominantRefresh}, non-dominant {options.NonDominantRefresh}, {loras.Count} LoRAs)");
        }
        Assert.True(configurations > 2000, $"only {configurations} configurations");
    }

    [Fact]
    public void EveryStepIsAConvexCompositeWithOneDominantLora()
    {
        foreach (var (options, steps, loras) in Configurations([1, 7, 50], [2, 8]))
        {
            var order = LoraOrdering.Order(loras);
            bool hasHigh = order.High.Count > 0;
            int lateStart = CmLoraSchedule.LatePhaseStartStep(steps, options.LatePhaseStart);
            var plans = new CmLoraSchedule(options).PlanRun(steps, loras);
            int? previousDominant = null;
            for (int step = 0; step < steps; step++)
            {
                var plan = plans[step];
                Assert.Equal(step, plan.Step);
                Assert.Equal(loras.Count, plan.Runs.Count);
                Assert.Equal(loras.Count, plan.Runs.Select(r => r.Adapters.Single().Index).Distinct().Count());
                Assert.Equal(1.0, plan.Runs.Sum(r => r.NoiseWeight), 12);
                int dominant = plan.DominantLora!.Value;
                double dominantShare = plan.RunFor(dominant)!.NoiseWeight;
                Assert.True(plan.Runs.All(r => r.NoiseWeight <= dominantShare + 1e-15));
                Assert.Equal(step < lateStart ? CompositionPhase.Early : CompositionPhase.Late, plan.Phase);
                if (plan.Phase == CompositionPhase.Early && hasHigh)
                    Assert.Contains(order.High, o => o.Index == dominant);
                if (step == 0) Assert.All(plan.Runs, r => Assert.Equal(CacheAction.Refresh, r.Cache));
                if (dominant != previousDominant) Assert.Equal(CacheAction.Refresh, plan.CacheActionFor(dominant));
                previousDominant = dominant;
            }
        }
    }

    [Fact]
    public void EveryLoraIsDominantInTheLatePhaseOfALongRun()
    {
        var loras = Loras(5);
        var plans = new CmLoraSchedule().PlanRun(100, loras);
        var lateDominants = plans.Where(p => p.Phase == CompositionPhase.Late).Select(p => p.DominantLora!.Value).Distinct();
        Assert.Equal([0, 1, 2, 3, 4], lateDominants.Order());
        var earlyDominants = plans.Where(p => p.Phase == CompositionPhase.Early).Select(p => p.DominantLora!.Value).Distinct();
        Assert.Equal([0, 1, 2, 4], earlyDominants.Order()); // the background waits for the late phase
    }
}
