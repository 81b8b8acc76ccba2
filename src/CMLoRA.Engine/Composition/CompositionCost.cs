namespace CMLoRA.Engine.Composition;

/// <summary>
/// Counts the UNet evaluations of a planned run, for cost estimates before sampling. A cached (Reuse) evaluation costs
/// a fraction of a full one: with the reference's cache position (spec 4.2) it runs conv_in, the first down block's
/// two resnet/attention pairs, the last up block and conv_out. That fraction depends on the UNet and the resolution,
/// so the caller supplies it (measure it once per model).
/// </summary>
public static class CompositionCost
{
    /// <summary>Cost of the steps in <paramref name="plans"/>.</summary>
    /// <param name="plans">The plans of a run, e.g. from <see cref="ICompositionSchedule.PlanRun"/>.</param>
    /// <param name="shallowFraction">Cost of a cached evaluation relative to a full one, in [0, 1].</param>
    /// <param name="classifierFreeGuidance">True when every evaluation carries the unconditional and conditional halves (batch 2).</param>
    public static CostEstimate Estimate(IReadOnlyList<StepPlan> plans, double shallowFraction, bool classifierFreeGuidance = true)
    {
        ArgumentNullException.ThrowIfNull(plans);
        if (!(shallowFraction >= 0 && shallowFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(shallowFraction), shallowFraction, "The shallow fraction must be in [0, 1].");
        if (plans.Count == 0)
            throw new ArgumentException("A run has at least one step.", nameof(plans));

        int full = 0, cached = 0;
        foreach (var plan in plans)
            foreach (var run in plan.Runs)
            {
                if (run.Cache == CacheAction.Reuse) cached++;
                else full++;
            }
        double perEvaluation = classifierFreeGuidance ? 2 : 1;
        return new CostEstimate(plans.Count, full, cached,
            (full + shallowFraction * cached) * perEvaluation, plans.Count * perEvaluation);
    }

    /// <summary>Plans the run with <paramref name="schedule"/> and returns its cost.</summary>
    public static CostEstimate Estimate(ICompositionSchedule schedule, int steps, IReadOnlyList<LoraSlot> loras,
        double shallowFraction, bool classifierFreeGuidance = true)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return Estimate(schedule.PlanRun(steps, loras), shallowFraction, classifierFreeGuidance);
    }
}
