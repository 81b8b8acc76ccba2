namespace CMLoRA.Engine.Composition;

/// <summary>Argument checks shared by every schedule, so that all methods reject bad input with the same messages.</summary>
internal static class ScheduleArguments
{
    public static void CheckStep(int step, int steps)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "A run needs at least 1 denoising step.");
        if (step < 0 || step >= steps)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"The step index must be in [0, {steps}).");
    }

    public static void CheckLoras(IReadOnlyList<LoraSlot> loras, CompositionMethod method)
    {
        CheckLoraIds(loras);
        if (loras.Count == 0)
            throw new ArgumentException($"{method} composition needs at least one LoRA; use method None for the base model.", nameof(loras));
    }

    public static void CheckLoraIds(IReadOnlyList<LoraSlot> loras)
    {
        ArgumentNullException.ThrowIfNull(loras);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slot in loras)
        {
            if (slot is null || string.IsNullOrWhiteSpace(slot.Id))
                throw new ArgumentException("Every LoRA needs a non-blank id.", nameof(loras));
            if (!seen.Add(slot.Id))
                throw new ArgumentException($"LoRA '{slot.Id}' appears twice; each LoRA may appear once in a composition.", nameof(loras));
        }
    }

    public static void CheckMaxAge(int? maxAge, string name)
    {
        if (maxAge is < 1)
            throw new ArgumentOutOfRangeException(name, maxAge, "The maximum cache age must be at least 1 step.");
    }

    /// <summary>Every LoRA of the list with weight <paramref name="weight"/>, in list order.</summary>
    public static IReadOnlyList<AdapterWeight> AllAdapters(IReadOnlyList<LoraSlot> loras, double weight = 1.0)
    {
        var adapters = new AdapterWeight[loras.Count];
        for (int i = 0; i < adapters.Length; i++) adapters[i] = new AdapterWeight(i, loras[i].Id, weight);
        return adapters;
    }

    /// <summary>Refresh steps of a single shared cache: the spec's steps, bounded by the maximum age; null when caching is off.</summary>
    public static HashSet<int>? SharedRefreshSteps(Schedules.RefreshSpec? caching, int? maxAge, int steps)
    {
        if (caching is null) return null;
        var set = caching.Steps(steps);
        if (maxAge is { } age) set = Schedules.RefreshSchedule.WithMaxAge(set, steps, age);
        var result = new HashSet<int>(set) { 0 };
        return result;
    }

    public static IReadOnlyList<StepPlan> PlanEachStep(ICompositionSchedule schedule, int steps, IReadOnlyList<LoraSlot> loras)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "A run needs at least 1 denoising step.");
        var plans = new StepPlan[steps];
        for (int i = 0; i < steps; i++) plans[i] = schedule.Plan(i, steps, loras);
        return plans;
    }
}
